import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BlobClient, BlobItem, ContainerClient } from '@azure/storage-blob';
import type { QueueClient } from '@azure/storage-queue';
import type { FunctionRegistration } from '../functionsCore.js';
import type { Invoker } from '../invocation.js';
import { describeError, timestamped, type LogSink } from '../log.js';
import { toTriggerValue } from '../queueMessages.js';
import type { BlobPathPattern } from './blobPath.js';
import { Slots } from '../slots.js';
import { PollingLoop } from './pollingLoop.js';

/**
 * The blob trigger. Blobs arrive two ways: the watched container is listed every poll (a blob name
 * with an ETag not seen before is one event), and, for `source: 'EventGrid'`, Event Grid's
 * BlobCreated events posted to the blobs extension's webhook (`deliver`). As the real blob trigger
 * does, a receipt per function and ETag is kept in the host storage
 * (`azure-webjobs-hosts/blobreceipts/…`), so neither a second arrival nor a restart delivers a blob
 * again; a blob that fails `maxAttempts` times (host.json `blobs.poisonBlobThreshold`) is reported on
 * `webjobs-blobtrigger-poison` and not tried again. All blob triggers of an app share `slots`
 * (`blobs.maxDegreeOfParallelism`).
 */

export interface BlobTriggerOptions {
  registration: FunctionRegistration;
  /** The binding's `source`: `EventGrid` also takes Event Grid deliveries (`deliver`); both kinds are polled. */
  source: string;
  pattern: BlobPathPattern;
  /** The watched container, on the binding's connection. */
  container: ContainerClient;
  /** The binding's `connection` setting name, handed to SDK-type bindings. */
  connectionName: string;
  dataType: 'binary' | 'string' | 'client';
  /** `azure-webjobs-hosts` on the host storage (AzureWebJobsStorage). */
  hostContainer: ContainerClient;
  poisonQueue: QueueClient;
  hostId: string;
  invoker: Invoker;
  pollIntervalMs: number;
  maxAttempts: number;
  retryDelayMs: number;
  slots: Slots;
  log: LogSink;
}

// The extension (e.g. @azure/functions-extensions-blob) registers its client factory on the instance
// the library itself requires, so the devhost resolves it from the library's location.
const requireFromLibrary = createRequire(createRequire(import.meta.url).resolve('@azure/functions'));
interface ResourceFactoryResolverClass {
  getInstance(): { createClient(resourceType: string, modelBindingData: unknown): unknown };
}

/** Listings give ETags bare; the host (and every header) quotes them. */
function quotedETag(blob: BlobItem): string {
  const etag = blob.properties.etag ?? '';
  return etag.startsWith('"') ? etag : `"${etag}"`;
}

/** One version of a blob, the same whether a listing (ETag bare) or an Event Grid event (read back quoted) found it. */
function versionKey(blob: BlobItem): string {
  return `${blob.name}\n${quotedETag(blob)}`;
}

function toBlobProperties(blob: BlobItem): Record<string, unknown> {
  const properties = blob.properties;
  return {
    blobType: properties.blobType,
    contentType: properties.contentType,
    contentLength: properties.contentLength,
    contentEncoding: properties.contentEncoding,
    contentLanguage: properties.contentLanguage,
    contentDisposition: properties.contentDisposition,
    cacheControl: properties.cacheControl,
    contentHash: properties.contentMD5 ? Buffer.from(properties.contentMD5).toString('base64') : undefined,
    eTag: quotedETag(blob),
    createdOn: properties.createdOn?.toISOString(),
    lastModified: properties.lastModified.toISOString(),
    accessTier: properties.accessTier,
  };
}

function isNotFound(error: unknown): boolean {
  return (error as { statusCode?: number }).statusCode === 404;
}

export class BlobTriggerListener {
  readonly #options: BlobTriggerOptions;
  readonly #loop: PollingLoop;
  readonly #waiting: BlobItem[] = [];
  /** name + ETag of every blob version waiting, running, delivered, poisoned or found with a receipt. */
  readonly #known = new Set<string>();
  readonly #running = new Set<Promise<void>>();
  #lastPollError = '';

  constructor(options: BlobTriggerOptions) {
    this.#options = options;
    this.#loop = new PollingLoop(
      () => options.pollIntervalMs,
      (signal) => this.poll(signal),
    );
  }

  get registration(): FunctionRegistration {
    return this.#options.registration;
  }

  /** The watched container. */
  get container(): ContainerClient {
    return this.#options.container;
  }

  get takesEventGrid(): boolean {
    return this.#options.source === 'EventGrid';
  }

  start(): void {
    this.#loop.start();
  }

  async stop(): Promise<void> {
    await this.#loop.stop();
    this.#waiting.length = 0;
    await Promise.allSettled([...this.#running]);
  }

  private async poll(signal: AbortSignal): Promise<void> {
    const { container, pattern, log } = this.#options;
    try {
      for await (const blob of container.listBlobsFlat({
        prefix: pattern.prefix || undefined,
        includeMetadata: true,
        abortSignal: signal,
      })) {
        const key = versionKey(blob);
        if (this.#known.has(key) || !pattern.match(blob.name)) continue;
        this.#known.add(key);
        this.#waiting.push(blob);
      }
      this.#lastPollError = '';
    } catch (error) {
      // A container that does not exist yet simply has no blobs; an aborted listing is the host stopping.
      if (!isNotFound(error) && !signal.aborted && describeError(error) !== this.#lastPollError) {
        this.#lastPollError = describeError(error);
        log(
          timestamped(`Blob trigger ${this.#options.registration.name}: listing ${container.containerName} failed: ${this.#lastPollError}`),
        );
      }
    }
    this.drain();
  }

  /**
   * An Event Grid BlobCreated event for `blobName`: delivered unless it is not this trigger's blob, or the
   * blob has gone or changed since (then its own event follows), as the extension's queue executor does.
   */
  async deliver(blobName: string, eventETag: string): Promise<boolean> {
    const { container, pattern } = this.#options;
    if (this.#loop.stopped || !pattern.match(blobName)) return false;
    let properties;
    try {
      properties = await container.getBlobClient(blobName).getProperties();
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
    const blob = {
      name: blobName,
      deleted: false,
      snapshot: '',
      properties: {
        ...properties,
        etag: properties.etag ?? '',
        lastModified: properties.lastModified ?? new Date(),
        contentMD5: properties.contentMD5,
      },
      metadata: properties.metadata,
    } as BlobItem;
    if (quotedETag(blob) !== (eventETag.startsWith('"') ? eventETag : `"${eventETag}"`)) return false;
    const key = versionKey(blob);
    if (!this.#known.has(key)) {
      this.#known.add(key);
      this.#waiting.push(blob);
      this.drain();
    }
    return true;
  }

  private drain(): void {
    while (this.#waiting.length > 0) {
      const blob = this.#waiting.shift()!;
      const run = this.#options.slots
        .run(() => this.process(blob))
        .catch((error: unknown) => {
          // Storage trouble before or after the handler: forget the blob so that the next poll retries it.
          this.#known.delete(versionKey(blob));
          this.#options.log(timestamped(`Blob trigger ${this.#options.registration.name}: ${blob.name}: ${describeError(error)}`));
        })
        .finally(() => this.#running.delete(run));
      this.#running.add(run);
    }
  }

  private receiptFor(blob: BlobItem) {
    const { hostContainer, hostId, registration, container } = this.#options;
    return hostContainer.getBlockBlobClient(
      `blobreceipts/${hostId}/Host.Functions.${registration.name}/${quotedETag(blob)}/${container.containerName}/${blob.name}`,
    );
  }

  private async process(blob: BlobItem): Promise<void> {
    const { registration, invoker, maxAttempts, retryDelayMs, log } = this.#options;
    if (this.#loop.stopped) return;
    const receipt = this.receiptFor(blob);
    if (await receipt.exists()) return;

    const blobClient = this.#options.container.getBlobClient(blob.name);
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (this.#loop.stopped) return;
      let triggerValue: unknown;
      try {
        triggerValue = await this.triggerValue(blobClient);
      } catch (error) {
        if (isNotFound(error)) return; // deleted before it could be delivered: there is nothing to deliver
        throw error;
      }
      try {
        await invoker.invoke(registration, {
          triggerValue,
          triggerMetadata: {
            blobTrigger: `${this.#options.container.containerName}/${blob.name}`,
            uri: blobClient.url,
            properties: toBlobProperties(blob),
            metadata: blob.metadata ?? {},
            ...this.#options.pattern.match(blob.name),
          },
          reason: `New blob detected(${this.#options.source}): ${this.#options.container.containerName}/${blob.name}`,
        });
        await receipt.upload('', 0, { metadata: { outcome: 'succeeded' } });
        return;
      } catch {
        // The invoker has logged the failure; the next attempt follows after the retry delay.
        if (attempt < maxAttempts && retryDelayMs > 0) await sleep(retryDelayMs);
      }
    }
    await this.poison(blob);
    await receipt.upload('', 0, { metadata: { outcome: 'poisoned' } });
    log(
      timestamped(
        `Blob trigger ${registration.name}: ${blob.name} failed ${maxAttempts} times; reported on ${this.#options.poisonQueue.name}.`,
      ),
    );
  }

  private async triggerValue(blobClient: BlobClient): Promise<unknown> {
    const { dataType, connectionName, container } = this.#options;
    if (dataType === 'client') {
      const { ResourceFactoryResolver } = requireFromLibrary('@azure/functions-extensions-base') as {
        ResourceFactoryResolver: ResourceFactoryResolverClass;
      };
      return ResourceFactoryResolver.getInstance().createClient('AzureStorageBlobs', {
        version: '1.0',
        source: 'AzureStorageBlobs',
        contentType: 'application/json',
        content: Buffer.from(
          JSON.stringify({ Connection: connectionName, ContainerName: container.containerName, BlobName: blobClient.name }),
        ),
      });
    }
    const content = await blobClient.downloadToBuffer();
    return dataType === 'string' ? toTriggerValue(content.toString('utf8')) : content;
  }

  private async poison(blob: BlobItem): Promise<void> {
    const { poisonQueue, registration, container } = this.#options;
    await poisonQueue.createIfNotExists();
    const message = {
      Type: 'BlobTrigger',
      FunctionId: `Host.Functions.${registration.name}`,
      BlobType: 'BlockBlob',
      ContainerName: container.containerName,
      BlobName: blob.name,
      ETag: quotedETag(blob),
    };
    await poisonQueue.sendMessage(Buffer.from(JSON.stringify(message)).toString('base64'));
  }
}
