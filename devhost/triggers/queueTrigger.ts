import type { DequeuedMessageItem, QueueClient } from '@azure/storage-queue';
import type { FunctionRegistration } from '../functionsCore.js';
import type { QueueSettings } from '../hostSettings.js';
import type { Invoker } from '../invocation.js';
import { describeError, timestamped, type LogSink } from '../log.js';
import { fromQueueMessageText, toTriggerValue } from '../queueMessages.js';
import { PollingLoop } from './pollingLoop.js';

/**
 * The queue trigger as the host runs it (QueueListener): up to `batchSize` messages per fetch, a new
 * fetch once no more than `newBatchThreshold` are still running, an empty queue polled less and less
 * often up to `maxPollingInterval`. A fetched message stays hidden for the lease (10 minutes) and is
 * hidden again every half lease while its handler runs, so that a long run is never delivered twice.
 * A message that fails becomes visible again after `visibilityTimeout`, and the one whose
 * `dequeueCount` reached `maxDequeueCount` moves to `<queue>-poison`, text unchanged. A message this
 * host's own output binding wrote is fetched at once (the host's SharedQueueWatcher), not at the next poll.
 */

export interface QueueTriggerOptions {
  registration: FunctionRegistration;
  queue: QueueClient;
  poisonQueue: QueueClient;
  settings: QueueSettings;
  invoker: Invoker;
  /** The shortest wait between polls; it doubles while the queue is empty, up to maxPollingInterval. */
  pollIntervalMs: number;
  /** How long a fetched message stays hidden before it is renewed; the host's 10 minutes unless given. */
  leaseMs?: number;
  /** Registers a call for when this host writes to the queue (`QueueWatcher.watch` of its account and name). */
  watchWrites?: (onMessage: () => void) => () => void;
  log: LogSink;
}

const HOST_LEASE_MS = 600_000;

/** The wait before the next poll: back to the shortest after a message, doubled (up to the longest) after an empty poll. */
export function nextPollingInterval(current: number, foundMessages: boolean, shortest: number, longest: number): number {
  return foundMessages ? Math.min(shortest, longest) : Math.min(Math.max(current * 2, shortest), longest);
}

export class QueueTriggerListener {
  readonly #options: QueueTriggerOptions;
  readonly #loop: PollingLoop;
  readonly #running = new Set<Promise<void>>();
  #slotFreed: () => void = () => undefined;
  #lastPollError = '';
  #interval: number;
  #unwatch: () => void = () => undefined;

  constructor(options: QueueTriggerOptions) {
    this.#options = options;
    this.#interval = Math.min(options.pollIntervalMs, options.settings.maxPollingIntervalMs);
    this.#loop = new PollingLoop(
      () => this.#interval,
      (signal) => this.poll(signal),
    );
  }

  get #leaseSeconds(): number {
    return Math.max(1, Math.round((this.#options.leaseMs ?? HOST_LEASE_MS) / 1000));
  }

  async start(): Promise<void> {
    // The devhost creates the queue it listens to, so that a fresh Azurite needs no set-up.
    await this.#options.queue.createIfNotExists();
    this.#unwatch =
      this.#options.watchWrites?.(() => {
        this.#interval = Math.min(this.#options.pollIntervalMs, this.#options.settings.maxPollingIntervalMs);
        this.#loop.wake();
      }) ?? this.#unwatch;
    this.#loop.start();
  }

  async stop(): Promise<void> {
    this.#unwatch();
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
        visibilityTimeout: this.#leaseSeconds,
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
    this.#interval = nextPollingInterval(this.#interval, messages.length > 0, this.#options.pollIntervalMs, settings.maxPollingIntervalMs);
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
    const held = { ...message };
    const stopRenewing = this.renewWhileRunning(held);
    let succeeded = false;
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
      succeeded = true;
    } catch {
      // The invoker has logged the failure.
    } finally {
      await stopRenewing();
    }
    if (succeeded) await queue.deleteMessage(held.messageId, held.popReceipt);
    else await this.release(held);
  }

  /** Hides the message for another lease every half lease (each renewal gives it a new pop receipt); resolves the last renewal on stop. */
  private renewWhileRunning(held: DequeuedMessageItem): () => Promise<void> {
    const { queue, registration, log } = this.#options;
    let renewing = Promise.resolve();
    const timer = setInterval(
      () => {
        renewing = renewing
          .then(async () => {
            const renewed = await queue.updateMessage(held.messageId, held.popReceipt, undefined, this.#leaseSeconds);
            held.popReceipt = renewed.popReceipt!;
            held.nextVisibleOn = renewed.nextVisibleOn!;
          })
          .catch((error: unknown) =>
            log(timestamped(`Queue trigger ${registration.name}: renewing message ${held.messageId} failed: ${describeError(error)}`)),
          );
      },
      (this.#leaseSeconds * 1000) / 2,
    );
    return async () => {
      clearInterval(timer);
      await renewing;
    };
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
