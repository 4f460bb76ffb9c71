import type { QueueClient } from '@azure/storage-queue';
import { resolveAppSettingExpressions, storageConnectionStringFor, type AppSettings } from './appSettings.js';
import type { BindingMetadata } from './functionsCore.js';
import type { QueueSettings } from './hostSettings.js';
import { toQueueMessageText } from './queueMessages.js';
import type { QueueWatcher } from './queueWatcher.js';
import type { StorageClients } from './storageClients.js';

/**
 * The queue output binding: one message per value (an array writes one message per element); a
 * listener of the same queue in this host is woken once they are written (`QueueWatcher`).
 */
export class QueueOutput {
  readonly #ready = new Map<string, Promise<QueueClient>>();

  constructor(
    private readonly clients: StorageClients,
    private readonly settings: AppSettings,
    private readonly encoding: QueueSettings['messageEncoding'],
    private readonly watcher: QueueWatcher,
  ) {}

  async write(binding: BindingMetadata, value: unknown): Promise<void> {
    const connectionString = storageConnectionStringFor(binding.connection, this.settings);
    const queueName = resolveAppSettingExpressions(String(binding.queueName), this.settings).toLowerCase();
    const queue = await this.queueFor(connectionString, queueName);
    for (const message of Array.isArray(value) ? value : [value]) {
      await queue.sendMessage(toQueueMessageText(message, this.encoding));
    }
    this.watcher.notify(connectionString, queueName);
  }

  private queueFor(connectionString: string, queueName: string): Promise<QueueClient> {
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
