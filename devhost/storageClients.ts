import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';

// The SDK's default retries stretch over half a minute; against a local emulator a failed call is
// better reported (and polled again) soon, and a storage that has gone away must not hold a shutdown.
const RETRY_OPTIONS = { maxTries: 3, retryDelayInMs: 200, maxRetryDelayInMs: 1_000 };

/** One service client per connection string, shared by every listener and output of a host. */
export class StorageClients {
  readonly #blobServices = new Map<string, BlobServiceClient>();
  readonly #queueServices = new Map<string, QueueServiceClient>();

  blobService(connectionString: string): BlobServiceClient {
    let client = this.#blobServices.get(connectionString);
    if (!client) {
      client = BlobServiceClient.fromConnectionString(connectionString, { retryOptions: RETRY_OPTIONS });
      this.#blobServices.set(connectionString, client);
    }
    return client;
  }

  queueService(connectionString: string): QueueServiceClient {
    let client = this.#queueServices.get(connectionString);
    if (!client) {
      client = QueueServiceClient.fromConnectionString(connectionString, { retryOptions: RETRY_OPTIONS });
      this.#queueServices.set(connectionString, client);
    }
    return client;
  }
}
