import { describe, expect, it } from 'vitest';
import { SUITE_CATALOG } from '../scenario/suite-catalog.ts';
import { BugReport } from './bug-report-schema.ts';
import { deriveReproSetup } from './derive-repro-setup.ts';

const report = (settings: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  BugReport.parse({ title: 't', symptom: 's', versions: { chatwoot: '3.8.0', evolution: '1.7.4' }, settings, ...extra });

describe('deriveReproSetup', () => {
  it('a plain report runs the core scenarios of the pair with the reporter settings', () => {
    const setup = deriveReproSetup(report({ defaultLocale: 'pt_BR' }), SUITE_CATALOG);
    expect(setup.cell.id).toBe('cw3.8.0-evo1.7.4-local');
    expect(setup.settings.chatwoot.defaultLocale).toBe('pt_BR');
    expect(setup.scenarios).toContain('bot-command/status-round-trip');
    expect(setup.suites).toEqual(['filter-contract', 'instance-bootstrap', 'bot-command', 'qr-delivery']);
    expect(Object.values(setup.faults)).toEqual([false, false, false, false]);
  });

  it('turns misconfigured settings into their fault scenarios', () => {
    const setup = deriveReproSetup(
      report({ serverUrl: 'https://evo.example.com/', proxy: { dropsUnderscoreHeaders: true }, storage: 'minio', storageLatencyMs: 6000 }),
      SUITE_CATALOG,
    );
    expect(setup.faults).toEqual({ trailingSlashServerUrl: true, unreachableServerUrl: false, headerDropped: true, slowStorage: true });
    expect(setup.scenarios).toEqual(
      expect.arrayContaining(['config-faults/webhook-double-slash', 'auth/chatwoot-header-dropped', 'config-faults/slow-storage']),
    );
    expect(setup.settings.storage.latencyMs).toBe(6000);
  });

  it('localhost in SERVER_URL or a // webhook URL are recognised', () => {
    expect(deriveReproSetup(report({ serverUrl: 'http://localhost:8080' }), SUITE_CATALOG).faults.unreachableServerUrl).toBe(true);
    expect(deriveReproSetup(report({ webhookUrl: 'https://e.example.com//chatwoot/webhook/x' }), SUITE_CATALOG).faults.trailingSlashServerUrl).toBe(true);
  });

  it('named scenarios are run exactly, suites expanded', () => {
    const setup = deriveReproSetup(report({}, { scenarios: ['auth', 'config-faults/webhook-double-slash'] }), SUITE_CATALOG);
    expect(setup.suites).toEqual(['auth', 'config-faults']);
    expect(setup.scenarios).toContain('auth/chatwoot-wrong-token');
    expect(setup.scenarios).not.toContain('config-faults/slow-storage');
  });
});
