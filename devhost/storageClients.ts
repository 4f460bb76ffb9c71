import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';

/** One service client per connection string, shared by every listener and output of a host. */
export class StorageClients {
  readonly #blobServices = new Map<string, BlobServiceClient>();
  readonly #queueServices = new Map<string, QueueServiceClient>();

  blobService(connectionString: string): BlobServiceClient {
    let client = this.#blobServices.get(connectionString);
    if (!client) {
      client = BlobServiceClient.fromConnectionString(connectionString);
      this.#blobServices.set(connectionString, client);
    }
    return client;
  }

  queueService(connectionString: string): QueueServiceClient {
    let client = this.#queueServices.get(connectionString);
    if (!client) {
      client = QueueServiceClient.fromConnectionString(connectionString);
      this.#queueServices.set(connectionString, client);
    }
    return client;
  }
}
