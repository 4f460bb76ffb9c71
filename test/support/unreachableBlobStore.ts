import { BlobServiceClient, type StorageSharedKeyCredential } from '@azure/storage-blob';
import { BlobStore } from '../../shared/storage/blobStore.js';
import { sharedKeySigner } from '../../shared/storage/sasSigner.js';

/** The same account as `blobs` behind a port nothing listens on, without retries: every call fails at once. */
export function unreachableBlobStore(blobs: BlobStore, connectionString: string): BlobStore {
  const unreachable = BlobServiceClient.fromConnectionString(connectionString.replace(/:\d+\//, ':9/'), { retryOptions: { maxTries: 1 } });
  return new BlobStore(unreachable, sharedKeySigner(blobs.client.credential as StorageSharedKeyCredential, unreachable.url));
}
