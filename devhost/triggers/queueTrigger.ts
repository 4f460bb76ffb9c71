import type { DequeuedMessageItem, QueueClient } from '@azure/storage-queue';
import type { FunctionRegistration } from '../functionsCore.js';
import type { QueueSettings } from '../hostSettings.js';
import type { Invoker } from '../invocation.js';
import { describeError, timestamped, type LogSink } from '../log.js';
import { fromQueueMessageText, toTriggerValue } from '../queueMessages.js';
import { PollingLoop } from './pollingLoop.js';

/**
 * The queue trigger as the host runs it: up to `batchSize` messages per fetch, a new fetch once no
 * more than `newBatchThreshold` are still running; a message that fails becomes visible again after
 * `visibilityTimeout`, and the one whose `dequeueCount` reached `maxDequeueCount` moves to
 * `<queue>-poison`, text unchanged.
 */

export interface QueueTriggerOptions {
  registration: FunctionRegistration;
  queue: QueueClient;
  poisonQueue: QueueClient;
  settings: QueueSettings;
  invoker: Invoker;
  pollIntervalMs: number;
  log: LogSink;
}

// How long a fetched message stays hidden while its handler runs: the host's 10 minutes.
const PROCESSING_VISIBILITY_SECONDS = 600;

export class QueueTriggerListener {
  readonly #options: QueueTriggerOptions;
  readonly #loop: PollingLoop;
  readonly #running = new Set<Promise<void>>();
  #slotFreed: () => void = () => undefined;
  #lastPollError = '';

  constructor(options: QueueTriggerOptions) {
    this.#options = options;
    this.#loop = new PollingLoop(options.pollIntervalMs, (signal) => this.poll(signal));
  }

  async start(): Promise<void> {
    // The devhost creates the queue it listens to, so that a fresh Azurite needs no set-up.
    await this.#options.queue.createIfNotExists();
    this.#loop.start();
  }

  async stop(): Promise<void> {
    const stopping = this.#loop.stop();
    this.#slotFreed();
    await stopping;
    await Promise.allSettled([...this.#running]);
  }

  private async poll(signal: AbortSignal): Promise<boolean> {
    const { queue, settings, log } = this.#options;
    if (this.#running.size > settings.newBatchThreshold) {
      await new Promise<void>((resolve) => (this.#slotFreed = resolve));
      return true;
    }
    let messages: DequeuedMessageItem[];
    try {
      const response = await queue.receiveMessages({
        numberOfMessages: settings.batchSize,
        visibilityTimeout: PROCESSING_VISIBILITY_SECONDS,
        abortSignal: signal,
      });
      messages = response.receivedMessageItems;
      this.#lastPollError = '';
    } catch (error) {
      if (!signal.aborted && describeError(error) !== this.#lastPollError) {
        this.#lastPollError = describeError(error);
        log(timestamped(`Queue trigger ${this.#options.registration.name}: receiving from ${queue.name} failed: ${this.#lastPollError}`));
      }
      return false;
    }
    for (const message of messages) {
      const run = this.process(message)
        .catch((error: unknown) =>
          log(timestamped(`Queue trigger ${this.#options.registration.name}: message ${message.messageId}: ${describeError(error)}`)),
        )
        .finally(() => {
          this.#running.delete(run);
          this.#slotFreed();
        });
      this.#running.add(run);
    }
    return messages.length > 0;
  }

  private async process(message: DequeuedMessageItem): Promise<void> {
    const { queue, settings, invoker, registration, log } = this.#options;
    // Left over from a host that died while running it as often as it may run.
    if (message.dequeueCount > settings.maxDequeueCount) return this.moveToPoison(message);
    const text = fromQueueMessageText(message.messageText, settings.messageEncoding);
    if (text === undefined) {
      log(
        timestamped(
          `Queue trigger ${registration.name}: message ${message.messageId} on ${queue.name} is not valid base64 (host.json messageEncoding is "base64").`,
        ),
      );
      return this.release(message);
    }
    try {
      await invoker.invoke(registration, {
        triggerValue: toTriggerValue(text),
        triggerMetadata: {
          queueTrigger: text,
          id: message.messageId,
          dequeueCount: message.dequeueCount,
          insertionTime: message.insertedOn.toISOString(),
          expirationTime: message.expiresOn.toISOString(),
          nextVisibleTime: message.nextVisibleOn.toISOString(),
          popReceipt: message.popReceipt,
        },
        reason: `New queue message detected on '${queue.name}'.`,
      });
    } catch {
      return this.release(message); // the invoker has logged the failure
    }
    await queue.deleteMessage(message.messageId, message.popReceipt);
  }

  /** A failed try: visible again after the visibility timeout, or poisoned when it was the last one allowed. */
  private async release(message: DequeuedMessageItem): Promise<void> {
    const { queue, settings } = this.#options;
    if (message.dequeueCount >= settings.maxDequeueCount) return this.moveToPoison(message);
    await queue.updateMessage(message.messageId, message.popReceipt, undefined, Math.ceil(settings.visibilityTimeoutMs / 1000));
  }

  private async moveToPoison(message: DequeuedMessageItem): Promise<void> {
    const { queue, poisonQueue, settings, registration, log } = this.#options;
    log(
      timestamped(
        `Queue trigger ${registration.name}: message ${message.messageId} has reached MaxDequeueCount of ${settings.maxDequeueCount}. Moving message to queue '${poisonQueue.name}'.`,
      ),
    );
    await poisonQueue.createIfNotExists();
    await poisonQueue.sendMessage(message.messageText);
    await queue.deleteMessage(message.messageId, message.popReceipt);
  }
}
