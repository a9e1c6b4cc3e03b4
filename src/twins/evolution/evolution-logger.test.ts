import { describe, expect, it } from 'vitest';
import { createMemorySink } from '../../common/log-sink.ts';
import { ApiError } from './chatwoot-errors.ts';
import { EvolutionLogger, formatLogDate, stripAnsi } from './evolution-logger.ts';
import type { LogLevel } from './evolution-config.ts';

const NOW = Date.UTC(2024, 3, 28, 13, 0, 0);
const ALL: LogLevel[] = ['ERROR', 'WARN', 'DEBUG', 'INFO', 'LOG', 'VERBOSE', 'DARK', 'WEBHOOKS'];

function logger(color: boolean, levels: LogLevel[] = ALL) {
  const sink = createMemorySink();
  const log = new EvolutionLogger({ version: '1.7.4', levels, color, sink, now: () => NOW, pid: 4242 }, 'ChatwootService');
  return { sink, log };
}

const apiError = () =>
  new ApiError('Generic Error', {
    url: 'http://chatwoot:3000/api/v1/accounts/1/conversations/filter',
    status: 422,
    statusText: 'Unprocessable Entity',
    body: { error: 'Invalid attribute key - [contact_id].' },
    request: { method: 'POST' },
  });

describe('EvolutionLogger', () => {
  it('prints the coloured line with upstream spacing, then the object dump ([ran] format)', () => {
    const { sink, log } = logger(true);
    log.error(apiError());
    const [first, ...rest] = sink.lines();
    expect(first).toContain('\x1b[');
    expect(stripAnsi(first!)).toBe(`[Evolution API]    v1.7.4  4242   -  ${formatLogDate(NOW)}     ERROR   [ChatwootService]  [object]   `);
    const dump = rest.join('\n');
    expect(dump).toMatch(/^ApiError: Generic Error\n/);
    expect(dump).toContain('status: 422');
    expect(dump).toContain("statusText: 'Unprocessable Entity'");
    expect(dump).toContain("body: { error: 'Invalid attribute key - [contact_id].' }");
  });

  it('prints strings inline, and an instance tag only when bound to an instance', () => {
    const { sink, log } = logger(true);
    log.warn('conversation not found');
    log.forContext('ChannelStartupService').withInstance('shop').info('Connecting to WhatsApp');
    const [warn, info] = sink.lines().map(stripAnsi);
    expect(warn).toContain('WARN   [ChatwootService]  [string]  conversation not found');
    expect(warn).not.toContain('[shop]');
    expect(info).toMatch(/^\[Evolution API\] {2}\[shop\] {2}v1\.7\.4/);
  });

  it('writes one uncoloured line without the version when LOG_COLOR is false', () => {
    const { sink, log } = logger(false);
    log.warn('conversation not found');
    log.error({ status: 422 });
    const [warn, error] = sink.lines();
    expect(warn).toBe(`[Evolution API]  4242 - ${formatLogDate(NOW)}   WARN  [ChatwootService] [string] conversation not found`);
    expect(error).toContain('ERROR  [ChatwootService] [object] { status: 422 }');
    expect(sink.lines().join('\n')).not.toContain('v1.7.4');
    expect(sink.lines().join('\n')).not.toContain('\x1b[');
  });

  it('honours LOG_LEVEL', () => {
    const { sink, log } = logger(false, ['ERROR']);
    log.verbose('create inbox in chatwoot');
    log.warn('conversation not found');
    log.error('boom');
    expect(sink.lines()).toHaveLength(1);
    expect(sink.lines()[0]).toContain('ERROR');
  });

  it('formats the date like Date#toString without the zone', () => {
    expect(formatLogDate(NOW)).toBe(new Date(NOW).toString().replace(/\sGMT.+/, ''));
    expect(formatLogDate(NOW)).not.toContain('GMT');
  });
});
