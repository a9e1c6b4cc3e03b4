import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { makeOwnedTempDir } from '../../common/owned-temp-dir.ts';

/**
 * The twin's on-disk state, laid out like the image's `/evolution` (evolution-api-1.7.md §1.5):
 * `instances/<name>/integration.json` (+ the simulated session's `creds.json`),
 * `store/auth/apikey/<name>.json` = `{apikey, instanceId}`, `store/chatwoot/<name>.json`,
 * `store/settings/<name>.json`, `store/temp/` for the QR and media files in transit.
 * Instance names are percent-encoded into file names (dots too), so no name can leave the tree.
 */
const STORE_FOLDERS = ['auth/apikey', 'chatwoot', 'webhook', 'settings', 'chats', 'contacts', 'messages', 'message-up', 'temp'];

export const integrationRecordSchema = z.object({
  integration: z.string().optional(),
  instanceName: z.string(),
  token: z.string().optional(),
  number: z.string().optional(),
  mobile: z.boolean().optional(),
});
export type IntegrationRecord = z.infer<typeof integrationRecordSchema>;

export const authRecordSchema = z.object({ apikey: z.string(), instanceId: z.string().optional() });
export type AuthRecord = z.infer<typeof authRecordSchema>;

/** The stored Chatwoot provider config: whatever /instance/create or /chatwoot/set saved. */
export const chatwootRecordSchema = z.record(z.string(), z.unknown());
export type ChatwootRecord = Record<string, unknown>;

export const credsRecordSchema = z.object({ number: z.string(), pushName: z.string() });
export type CredsRecord = z.infer<typeof credsRecordSchema>;

export function fileSafeName(instanceName: string): string {
  return encodeURIComponent(instanceName).replace(/\./g, '%2E');
}

export class InstanceStore {
  readonly root: string;
  private readonly ownsRoot: boolean;

  constructor(root: string | undefined) {
    this.ownsRoot = root === undefined;
    this.root = root ?? makeOwnedTempDir('evolution');
    mkdirSync(this.instancesDir, { recursive: true });
    for (const folder of STORE_FOLDERS) mkdirSync(join(this.storeDir, folder), { recursive: true });
  }

  get instancesDir(): string {
    return join(this.root, 'instances');
  }
  get storeDir(): string {
    return join(this.root, 'store');
  }
  get tempDir(): string {
    return join(this.storeDir, 'temp');
  }

  private instanceDir(name: string): string {
    return join(this.instancesDir, fileSafeName(name));
  }
  private storeFile(folder: string, name: string): string {
    return join(this.storeDir, folder, `${fileSafeName(name)}.json`);
  }

  private readJson<T>(path: string, schema: z.ZodType<T>): T | undefined {
    if (!existsSync(path)) return undefined;
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      return undefined;
    }
    const parsed = schema.safeParse(raw);
    return parsed.success ? parsed.data : undefined;
  }

  private writeJson(path: string, value: unknown): void {
    writeFileSync(path, JSON.stringify(value), 'utf8');
  }

  /** Names of stored instances (folders under instances/ that hold files), as upstream loads them at startup. */
  storedInstanceNames(): string[] {
    const names: string[] = [];
    for (const entry of readdirSync(this.instancesDir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      if (readdirSync(join(this.instancesDir, entry.name)).length === 0) continue;
      names.push(decodeURIComponent(entry.name));
    }
    return names.sort();
  }

  exists(name: string): boolean {
    return existsSync(this.instanceDir(name));
  }

  saveIntegration(record: IntegrationRecord): void {
    mkdirSync(this.instanceDir(record.instanceName), { recursive: true });
    this.writeJson(join(this.instanceDir(record.instanceName), 'integration.json'), record);
  }
  readIntegration(name: string): IntegrationRecord | undefined {
    return this.readJson(join(this.instanceDir(name), 'integration.json'), integrationRecordSchema);
  }

  saveAuth(name: string, record: AuthRecord): void {
    this.writeJson(this.storeFile('auth/apikey', name), record);
  }
  readAuth(name: string): AuthRecord | undefined {
    return this.readJson(this.storeFile('auth/apikey', name), authRecordSchema);
  }

  saveChatwoot(name: string, record: ChatwootRecord): void {
    this.writeJson(this.storeFile('chatwoot', name), record);
  }
  readChatwoot(name: string): ChatwootRecord | undefined {
    return this.readJson(this.storeFile('chatwoot', name), chatwootRecordSchema);
  }

  saveSettings(name: string, record: Record<string, unknown>): void {
    this.writeJson(this.storeFile('settings', name), record);
  }

  saveCreds(name: string, record: CredsRecord): void {
    mkdirSync(this.instanceDir(name), { recursive: true });
    this.writeJson(join(this.instanceDir(name), 'creds.json'), record);
  }
  readCreds(name: string): CredsRecord | undefined {
    return this.readJson(join(this.instanceDir(name), 'creds.json'), credsRecordSchema);
  }
  removeCreds(name: string): void {
    rmSync(join(this.instanceDir(name), 'creds.json'), { force: true });
  }

  /** Writes a file in store/temp and returns its path. */
  writeTemp(fileName: string, data: Uint8Array): string {
    const path = join(this.tempDir, fileName.replace(/[/\\]/g, '_'));
    writeFileSync(path, data);
    return path;
  }
  removeTemp(path: string): void {
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  }

  /** Upstream's cleaningStoreFiles on instance removal. */
  removeInstance(name: string): void {
    rmSync(this.instanceDir(name), { recursive: true, force: true });
    for (const folder of ['auth/apikey', 'chatwoot', 'webhook', 'settings']) rmSync(this.storeFile(folder, name), { force: true });
  }

  /** Removes the root only when the store made it (a temp dir). */
  dispose(): void {
    if (this.ownsRoot) rmSync(this.root, { recursive: true, force: true });
  }
}
