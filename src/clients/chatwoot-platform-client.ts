import { z } from 'zod';
import type { Redactor } from '../common/redact.ts';
import { createHttpClient, type HttpClient } from './http-client.ts';

const PlatformAccount = z.object({ id: z.number(), name: z.string().nullable().optional(), locale: z.string().nullable().optional() });
const PlatformUser = z.object({ id: z.number(), access_token: z.string() });

/**
 * Chatwoot's Platform API (`/platform/api/v1`, a PlatformApp token in `api_access_token`; chatwoot-3.7-3.9.md §6 B):
 * what the harness provisions every cell's account with, the same on every version (measured on 3.8.0 and 4.14.2,
 * where signup no longer works out of the box: chatwoot-3.10-4.x.md §M 1, 2). Only what the harness needs.
 */
export class ChatwootPlatformClient {
  readonly http: HttpClient;
  private readonly redactor: Redactor | undefined;

  constructor(options: { baseUrl: string; token: string; redactor?: Redactor }) {
    this.redactor = options.redactor;
    options.redactor?.add(options.token);
    this.http = createHttpClient({
      baseUrl: options.baseUrl,
      service: 'chatwoot platform API',
      defaultHeaders: { api_access_token: options.token },
      ...(options.redactor ? { redactor: options.redactor } : {}),
    });
  }

  async createAccount(input: { name: string; locale: 'en' | 'pt_BR' }): Promise<{ id: number }> {
    return this.http.json({ method: 'POST', path: '/platform/api/v1/accounts', json: input }, PlatformAccount);
  }

  /** A confirmed user (users#create skips confirmation) whose `access_token` works at once. */
  async createUser(input: { name: string; email: string; password: string }): Promise<{ id: number; accessToken: string }> {
    this.redactor?.add(input.password);
    const user = await this.http.json({ method: 'POST', path: '/platform/api/v1/users', json: input }, PlatformUser);
    this.redactor?.add(user.access_token);
    return { id: user.id, accessToken: user.access_token };
  }

  async addAccountUser(accountId: number, userId: number, role: 'administrator' | 'agent'): Promise<void> {
    await this.http.json({ method: 'POST', path: `/platform/api/v1/accounts/${accountId}/account_users`, json: { user_id: userId, role } }, z.unknown());
  }

  async deleteAccount(accountId: number): Promise<void> {
    const answer = await this.http.raw({ method: 'DELETE', path: `/platform/api/v1/accounts/${accountId}` });
    if (answer.status >= 300 && answer.status !== 404) throw new Error(`DELETE /platform/api/v1/accounts/${accountId} answered ${answer.status}`);
  }

  /** Users outlive the accounts they administered: the attach backend deletes its own (404: already gone). */
  async deleteUser(userId: number): Promise<void> {
    const answer = await this.http.raw({ method: 'DELETE', path: `/platform/api/v1/users/${userId}` });
    if (answer.status >= 300 && answer.status !== 404) throw new Error(`DELETE /platform/api/v1/users/${userId} answered ${answer.status}`);
  }
}
