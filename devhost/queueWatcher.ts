/**
 * The host's SharedQueueWatcher: when a function of this host writes a message through a queue output
 * binding, the queue trigger listening to that queue in the same host polls at once instead of waiting
 * out its polling interval. Messages written by anyone else (another host, an SDK call) are found by
 * the ordinary polling, as on Azure.
 */
export class QueueWatcher {
  readonly #listeners = new Map<string, Set<() => void>>();

  /** Calls `onMessage` whenever this host writes to `queueName` of the account `connectionString` names. */
  watch(connectionString: string, queueName: string, onMessage: () => void): () => void {
    const key = queueKey(connectionString, queueName);
    let listeners = this.#listeners.get(key);
    if (!listeners) this.#listeners.set(key, (listeners = new Set()));
    listeners.add(onMessage);
    return () => listeners.delete(onMessage);
  }

  notify(connectionString: string, queueName: string): void {
    for (const onMessage of this.#listeners.get(queueKey(connectionString, queueName)) ?? []) onMessage();
  }
}

function queueKey(connectionString: string, queueName: string): string {
  return `${connectionString}\n${queueName.toLowerCase()}`;
}
