import type { QueueClient } from '@azure/storage-queue';
import { resolveAppSettingExpressions, storageConnectionStringFor, type AppSettings } from './appSettings.js';
import type { BindingMetadata } from './functionsCore.js';
import type { QueueSettings } from './hostSettings.js';
import { toQueueMessageText } from './queueMessages.js';
import type { StorageClients } from './storageClients.js';

/** The queue output binding: one message per value (an array writes one message per element). */
export class QueueOutput {
  readonly #ready = new Map<string, Promise<QueueClient>>();

  constructor(
    private readonly clients: StorageClients,
    private readonly settings: AppSettings,
    private readonly encoding: QueueSettings['messageEncoding'],
  ) {}

  async write(binding: BindingMetadata, value: unknown): Promise<void> {
    const queue = await this.queueFor(binding);
    for (const message of Array.isArray(value) ? value : [value]) {
      await queue.sendMessage(toQueueMessageText(message, this.encoding));
    }
  }

  private queueFor(binding: BindingMetadata): Promise<QueueClient> {
    const connectionString = storageConnectionStringFor(binding.connection, this.settings);
    const queueName = resolveAppSettingExpressions(String(binding.queueName), this.settings).toLowerCase();
    const key = `${connectionString}\n${queueName}`;
    let ready = this.#ready.get(key);
    if (!ready) {
      // Like the host's output binding: the queue is created on first use.
      const queue = this.clients.queueService(connectionString).getQueueClient(queueName);
      ready = queue.createIfNotExists().then(() => queue);
      ready.catch(() => this.#ready.delete(key));
      this.#ready.set(key, ready);
    }
    return ready;
  }
}
