import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../common/wait-for.ts';
import { startRecorder } from '../test-support/chatwoot-test-kit.ts';
import { WebhookDeliverer, type DeliveryResult } from './webhook-deliverer.ts';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((close) => close()));
});

describe('WebhookDeliverer (Sidekiq threads, chatwoot-3.7-3.9.md §4, §5)', () => {
  it('runs deliveries to one URL concurrently, at most `concurrency` at once; the rest wait for a thread', async () => {
    const recorder = await startRecorder({ hold: true });
    const deliverer = new WebhookDeliverer({ concurrency: 2 });
    cleanup.push(
      () => recorder.close(),
      () => deliverer.close(),
    );
    const results: DeliveryResult[] = [];
    for (let i = 0; i < 5; i++)
      deliverer.enqueue(
        recorder.url,
        () => ({ n: i }),
        (result) => results.push(result),
      );

    await waitFor(() => recorder.held() === 2 && deliverer.waitingForThread() === 3, { timeoutMs: 5_000, description: '2 in flight, 3 waiting' });
    expect(results).toEqual([]);
    recorder.release();
    await deliverer.idle();
    expect(results).toHaveLength(5);
    expect(results.every((result) => result.ok)).toBe(true);
    expect(recorder.requests.map((request) => request.body.n).sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('does not serialise one URL: with the default 10 threads, 6 held deliveries are all in flight together', async () => {
    const recorder = await startRecorder({ hold: true });
    const deliverer = new WebhookDeliverer();
    cleanup.push(
      () => recorder.close(),
      () => deliverer.close(),
    );
    for (let i = 0; i < 6; i++)
      deliverer.enqueue(
        recorder.url,
        () => ({ n: i }),
        () => undefined,
      );
    await waitFor(() => recorder.held() === 6, { timeoutMs: 5_000, description: '6 deliveries in flight at once' });
    expect(deliverer.waitingForThread()).toBe(0);
    recorder.release();
    await deliverer.idle();
  });

  it('close() ends held deliveries and drops the waiting ones without a request', async () => {
    const recorder = await startRecorder({ hold: true });
    cleanup.push(() => recorder.close());
    const deliverer = new WebhookDeliverer({ concurrency: 1 });
    const results: DeliveryResult[] = [];
    for (let i = 0; i < 3; i++)
      deliverer.enqueue(
        recorder.url,
        () => ({ n: i }),
        (result) => results.push(result),
      );
    await waitFor(() => recorder.held() === 1 && deliverer.waitingForThread() === 2, { timeoutMs: 5_000, description: '1 in flight, 2 waiting' });
    await deliverer.close();
    expect(results).toEqual([]);
    expect(recorder.requests).toHaveLength(1);
  });
});
