import {
  generateBlobSASQueryParameters,
  SASProtocol,
  StorageSharedKeyCredential,
  type BlobSASSignatureValues,
  type BlobServiceClient,
  type UserDelegationKey,
} from '@azure/storage-blob';

/**
 * Signs blob SAS tokens. Locally (Azurite, account key) with the shared key; in production with a user
 * delegation key obtained by the Function App's managed identity, so no account key exists anywhere.
 * The delegation key is fetched once and refreshed well before it expires, never per request.
 */
export interface SasSigner {
  /** The SAS query string (no leading `?`) for these values. */
  sign(values: BlobSASSignatureValues): Promise<string>;
  /** HTTPS-only outside local development. */
  readonly protocol: SASProtocol;
}

export function sharedKeySigner(credential: StorageSharedKeyCredential, blobEndpoint: string): SasSigner {
  return {
    protocol: protocolFor(blobEndpoint),
    sign: async (values) => generateBlobSASQueryParameters(values, credential).toString(),
  };
}

/**
 * Read links are signed for fixed windows of time rather than from "now", so that every response
 * within a window gives a blob the same link, byte for byte, and a browser's cache (keyed by the URL)
 * keeps what it downloaded. A window is a quarter of the link's promised life, at most 15 minutes;
 * windows are aligned to the Unix epoch. A link signed at any moment of a window starts at the window's
 * start and expires a full promised life after the window's END, so it lives at least as long as
 * promised (exactly as long when signed at the last instant) and at most 1.25 times as long.
 */
export const MAX_READ_LINK_WINDOW_MS = 15 * 60_000;

export interface ReadLinkWindow {
  /** The start of the window the instant falls in. */
  windowStart: Date;
  /** The window's end plus the promised life. */
  expiresOn: Date;
}

export function readLinkWindow(now: Date, ttlMs: number): ReadLinkWindow {
  const windowMs = Math.min(MAX_READ_LINK_WINDOW_MS, Math.max(1_000, Math.floor(ttlMs / 4 / 1_000) * 1_000));
  const windowStart = Math.floor(now.getTime() / windowMs) * windowMs;
  return { windowStart: new Date(windowStart), expiresOn: new Date(windowStart + windowMs + ttlMs) };
}

const DELEGATION_KEY_LIFETIME_MS = 6 * 60 * 60_000;
/** A SAS must expire before its key: refresh while at least this much of the key's life remains. */
const DELEGATION_KEY_REFRESH_MARGIN_MS = 2 * 60 * 60_000;

export function userDelegationSigner(client: BlobServiceClient, now: () => Date = () => new Date()): SasSigner {
  let cached: { key: UserDelegationKey; refreshAfter: number } | undefined;
  let pending: Promise<UserDelegationKey> | undefined;

  async function currentKey(): Promise<UserDelegationKey> {
    const at = now().getTime();
    if (cached && at < cached.refreshAfter) return cached.key;
    pending ??= client
      .getUserDelegationKey(new Date(at - 5 * 60_000), new Date(at + DELEGATION_KEY_LIFETIME_MS))
      .then((key) => {
        cached = { key, refreshAfter: at + DELEGATION_KEY_LIFETIME_MS - DELEGATION_KEY_REFRESH_MARGIN_MS };
        return key;
      })
      .finally(() => (pending = undefined));
    return pending;
  }

  return {
    protocol: protocolFor(client.url),
    sign: async (values) => generateBlobSASQueryParameters(values, await currentKey(), client.accountName).toString(),
  };
}

function protocolFor(endpoint: string): SASProtocol {
  return endpoint.startsWith('https:') ? SASProtocol.Https : SASProtocol.HttpsAndHttp;
}
