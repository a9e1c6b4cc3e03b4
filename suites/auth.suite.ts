/**
 * Seed symptom: 401 "Você precisa entrar ou se cadastrar antes de continuar" ("You need to sign in or
 * sign up before continuing"). Chatwoot answers that devise message whenever no usable api_access_token
 * header arrives, classically because a proxy drops headers with underscores (chatwoot-3.7-3.9.md §2.3,
 * §2.5); other auth failures have their own bodies. Also Evolution's apikey guard (evolution-api-1.7.md §2.2).
 * Read-only: runs on every backend, attach included.
 */
import { expect } from 'vitest';
import { defineSuite } from '../src/scenario/suite-context.ts';

const DEVISE_401: Record<string, string> = {
  en: 'You need to sign in or sign up before continuing.',
  pt_BR: 'Você precisa entrar ou se cadastrar antes de continuar.',
};

defineSuite(
  'auth',
  (cell) => {
    const inboxesPath = (accountId: number) => `/api/v1/accounts/${accountId}/inboxes`;

    cell.scenario('chatwoot-token-accepted', async (s) => {
      const chatwoot = s.chatwoot();
      const response = await chatwoot.raw({ method: 'GET', path: inboxesPath(s.stack.chatwoot.accountId) });
      expect(response.status, `GET inboxes with the token: ${response.text.slice(0, 200)}`).toBe(200);
      expect(response.json).toHaveProperty('payload');
    });

    cell.scenario('chatwoot-header-dropped', async (s) => {
      const chatwoot = s.chatwoot();
      // What arrives when a proxy drops `api_access_token`: Evolution's SDK still sends Authorization: Bearer,
      // which Chatwoot ignores for these tokens (§2.1).
      const dropped = await chatwoot.raw({
        method: 'GET',
        path: inboxesPath(s.stack.chatwoot.accountId),
        omitDefaultHeaders: true,
        headers: { authorization: `Bearer ${s.stack.chatwoot.token}` },
      });
      expect(dropped.status).toBe(401);
      const defaultLocale = s.stack.chatwoot.defaultLocale;
      const expected = defaultLocale && DEVISE_401[defaultLocale] ? [DEVISE_401[defaultLocale]] : Object.values(DEVISE_401);
      expect(expected, `devise 401 body in DEFAULT_LOCALE (${defaultLocale ?? 'unknown'}): ${dropped.text}`).toContain(
        (dropped.json as { errors?: string[] } | undefined)?.errors?.[0],
      );
      // The seed's Portuguese text: the request locale wins over DEFAULT_LOCALE (§2.4).
      const portuguese = await chatwoot.raw({
        method: 'GET',
        path: inboxesPath(s.stack.chatwoot.accountId),
        query: { locale: 'pt_BR' },
        omitDefaultHeaders: true,
      });
      expect(portuguese.status).toBe(401);
      expect(portuguese.json).toEqual({ errors: [DEVISE_401.pt_BR] });
      s.note(`without the header: 401 ${dropped.text.trim()}`);
    });

    cell.scenario('chatwoot-wrong-token', async (s) => {
      const response = await s.chatwoot().raw({
        method: 'GET',
        path: inboxesPath(s.stack.chatwoot.accountId),
        omitDefaultHeaders: true,
        headers: { api_access_token: 'evochat-not-a-real-token' },
      });
      expect(response.status).toBe(401);
      expect(response.json).toEqual({ error: 'Invalid Access Token' });
    });

    cell.scenario('chatwoot-wrong-account', async (s) => {
      const chatwoot = s.chatwoot();
      const other = s.stack.chatwootPtBr;
      if (other && other.accountId !== s.stack.chatwoot.accountId) {
        const foreign = await chatwoot.raw({ method: 'GET', path: inboxesPath(other.accountId) });
        expect(foreign.status, `another account's inboxes: ${foreign.text.slice(0, 200)}`).toBe(401);
        expect(foreign.json).toEqual({ error: 'You are not authorized to access this account' });
      } else {
        s.note('no second account on this stack: only the nonexistent-account case was checked');
      }
      const missing = await chatwoot.raw({ method: 'GET', path: inboxesPath(987_654_321) });
      expect(missing.status, `a nonexistent account: ${missing.text.slice(0, 200)}`).toBe(404);
      expect(missing.json).toEqual({ error: 'Resource could not be found' });
    });

    cell.scenario('evolution-apikey-guard', async (s) => {
      const evolution = s.evolution();
      const missingKey = await evolution.raw({
        method: 'POST',
        path: '/instance/create',
        json: { instanceName: s.instanceName('never-created') },
        omitDefaultHeaders: true,
      });
      // 1.7 answers 403 "Missing global api key"; 2.x checks for a key first and answers 401 (evolution-api-2.x.md §1.6).
      if (evolution.profile.missingApiKeyStatus === 403) {
        expect(missingKey.status, missingKey.text).toBe(403);
        expect(missingKey.json).toEqual({
          status: 403,
          error: 'Forbidden',
          response: { message: ['Missing global api key', 'The global api key must be set'] },
        });
      } else {
        expect(missingKey.status, missingKey.text).toBe(401);
        expect(missingKey.json).toEqual({ status: 401, error: 'Unauthorized', response: { message: 'Unauthorized' } });
      }

      const wrongKey = await evolution.raw({
        method: 'GET',
        path: '/instance/fetchInstances',
        omitDefaultHeaders: true,
        headers: { apikey: 'evochat-wrong-key' },
      });
      expect(wrongKey.status, wrongKey.text).toBe(401);
      expect(wrongKey.json).toEqual({ status: 401, error: 'Unauthorized', response: { message: 'Unauthorized' } });

      // The instance guard runs before auth: an unknown instance is a 404 whatever the key.
      const ghost = s.instanceName('ghost');
      const unknown = await evolution.raw({
        method: 'GET',
        path: `/instance/connectionState/${ghost}`,
        omitDefaultHeaders: true,
        headers: { apikey: 'evochat-wrong-key' },
      });
      expect(unknown.status, unknown.text).toBe(404);
      expect(unknown.json).toEqual({ status: 404, error: 'Not Found', response: { message: [`The "${ghost}" instance does not exist`] } });
    });
  },
  { scenarios: 'concurrent' },
);
