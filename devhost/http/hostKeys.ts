import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ContainerClient } from '@azure/storage-blob';

/**
 * The host's keys, as the real host keeps them with its default secret storage (blob): a master key,
 * a default host key and system keys in `azure-webjobs-secrets/<host id>/host.json`, each function's
 * default key in `…/<function name>.json`, made on first start and kept. A key arrives in the
 * `x-functions-key` header or else the `code` query parameter; the master key grants `admin`, host
 * and function keys grant `function`, a system key only the extension endpoint it was made for
 * (AuthenticationLevelHandler, SecretManager.GetAuthorizationLevelAsync, AuthUtility).
 */

export type AuthLevel = 'anonymous' | 'function' | 'admin';
/** What a presented key is worth. */
type KeyLevel = 'none' | 'function' | 'system' | 'admin';

interface StoredKey {
  name: string;
  value: string;
  encrypted: false;
}

interface HostSecrets {
  masterKey: StoredKey;
  functionKeys: StoredKey[];
  systemKeys: StoredKey[];
}

interface FunctionSecrets {
  keys: StoredKey[];
}

function newKey(name: string): StoredKey {
  return { name, value: randomBytes(40).toString('base64url'), encrypted: false };
}

function sameSecret(a: string, b: string): boolean {
  const [left, right] = [Buffer.from(a), Buffer.from(b)];
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The key a request presents: the header wins over the query, as in AuthenticationLevelHandler. */
export function presentedKey(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers['x-functions-key'];
  const value = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('code') ?? undefined;
  return value || undefined;
}

export class HostKeys {
  private constructor(
    private readonly host: HostSecrets,
    private readonly functions: ReadonlyMap<string, FunctionSecrets>,
  ) {}

  /** Reads the stored keys, making what is missing: system keys `systemKeyNames`, a default key per function. */
  static async load(container: ContainerClient, hostId: string, functionNames: readonly string[], systemKeyNames: readonly string[]) {
    await container.createIfNotExists();
    const folder = hostId.toLowerCase();
    const host = await readOrCreate<HostSecrets>(container, `${folder}/host.json`, (stored) => {
      const secrets = stored ?? { masterKey: newKey('master'), functionKeys: [newKey('default')], systemKeys: [] };
      const missing = systemKeyNames.filter((name) => !secrets.systemKeys.some((key) => key.name === name));
      return missing.length === 0 && stored ? undefined : { ...secrets, systemKeys: [...secrets.systemKeys, ...missing.map(newKey)] };
    });
    const functions = new Map<string, FunctionSecrets>();
    for (const name of functionNames) {
      functions.set(
        name.toLowerCase(),
        await readOrCreate<FunctionSecrets>(container, `${folder}/${name.toLowerCase()}.json`, (stored) =>
          stored ? undefined : { keys: [newKey('default')] },
        ),
      );
    }
    return new HostKeys(host, functions);
  }

  get masterKey(): string {
    return this.host.masterKey.value;
  }

  /** The default host key: it opens every `function`-level function. */
  get hostKey(): string {
    return this.host.functionKeys.find((key) => key.name === 'default')!.value;
  }

  /** The function's own default key (a host key opens it too). */
  functionKey(functionName: string): string | undefined {
    return this.functions.get(functionName.toLowerCase())?.keys.find((key) => key.name === 'default')?.value;
  }

  systemKey(name: string): string | undefined {
    return this.host.systemKeys.find((key) => key.name === name)?.value;
  }

  private levelOf(value: string, functionName: string | undefined): KeyLevel {
    if (sameSecret(value, this.host.masterKey.value)) return 'admin';
    if (this.host.systemKeys.some((key) => sameSecret(value, key.value))) return 'system';
    if (this.host.functionKeys.some((key) => sameSecret(value, key.value))) return 'function';
    const own = functionName === undefined ? undefined : this.functions.get(functionName.toLowerCase());
    return own?.keys.some((key) => sameSecret(value, key.value)) ? 'function' : 'none';
  }

  /** Whether `key` opens a function of `required` level (the master key opens everything). */
  allows(required: AuthLevel, key: string | undefined, functionName: string): boolean {
    if (required === 'anonymous') return true;
    if (key === undefined) return false;
    const level = this.levelOf(key, functionName);
    return level === 'admin' || (required === 'function' && level === 'function');
  }

  /** Whether `key` is the named system key (or the master key), as an extension webhook requires. */
  allowsSystem(keyName: string, key: string | undefined): boolean {
    if (key === undefined) return false;
    const system = this.systemKey(keyName);
    return sameSecret(key, this.host.masterKey.value) || (system !== undefined && sameSecret(key, system));
  }
}

/** The blob's JSON, replaced by what `update` returns when it returns something. */
async function readOrCreate<T>(container: ContainerClient, name: string, update: (stored: T | undefined) => T | undefined): Promise<T> {
  const blob = container.getBlockBlobClient(name);
  let stored: T | undefined;
  try {
    stored = JSON.parse((await blob.downloadToBuffer()).toString('utf8')) as T;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
  const updated = update(stored);
  if (!updated) return stored!;
  const body = JSON.stringify({ ...updated, source: 'runtime', decryptionKeyId: '' }, null, 2);
  await blob.upload(body, Buffer.byteLength(body), { blobHTTPHeaders: { blobContentType: 'application/json' } });
  return updated;
}
