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
