import { resolveAppSettingExpressions, storageConnectionStringFor } from '../appSettings.js';
import { triggerOf } from '../functionBindings.js';
import type { FunctionRegistration } from '../functionsCore.js';
import type { HostSettings } from '../hostSettings.js';
import type { Invoker } from '../invocation.js';
import type { LogSink } from '../log.js';
import type { StorageClients } from '../storageClients.js';
import { parseBlobPath } from './blobPath.js';
import { BlobTriggerListener } from './blobTrigger.js';
import { QueueTriggerListener } from './queueTrigger.js';
import { TimerTriggerListener } from './timerTrigger.js';
import type { QueueWatcher } from '../queueWatcher.js';
import { Slots } from '../slots.js';

/** One listener per blob, queue and timer trigger, its binding settings resolved from the app settings. */

export interface TriggerListener {
  start(): void | Promise<void>;
  stop(): Promise<void>;
}

/** The host's own container (receipts, timer status), as the real host names it. */
const HOST_CONTAINER = 'azure-webjobs-hosts';
const BLOB_POISON_QUEUE = 'webjobs-blobtrigger-poison';

export interface TriggerContext {
  hostSettings: HostSettings;
  hostId: string;
  storageConnectionString: string;
  clients: StorageClients;
  invoker: Invoker;
  log: LogSink;
  pollIntervalMs: number;
  /** How long a running queue message stays hidden before it is renewed; the host's 10 minutes unless given. */
  queueLeaseMs?: number;
  /** What this host's queue output binding writes, for the queue triggers to wake on. */
  queueWatcher: QueueWatcher;
}

export async function createTriggerListeners(
  registrations: readonly FunctionRegistration[],
  context: TriggerContext,
): Promise<TriggerListener[]> {
  const { hostSettings, hostId, storageConnectionString, clients, invoker, log, pollIntervalMs, queueLeaseMs, queueWatcher } = context;
  const blobSlots = new Slots(hostSettings.blobs.maxDegreeOfParallelism);
  const settings = process.env;
  const hostContainer = clients.blobService(storageConnectionString).getContainerClient(HOST_CONTAINER);
  const needsHostContainer = registrations.some((registration) => ['blobtrigger', 'timertrigger'].includes(triggerOf(registration).kind));
  if (needsHostContainer) await hostContainer.createIfNotExists();

  const listeners: TriggerListener[] = [];
  for (const registration of registrations) {
    const { binding, kind } = triggerOf(registration);
    if (kind === 'blobtrigger') {
      const pattern = parseBlobPath(resolveAppSettingExpressions(String(binding.path), settings));
      const connectionName = typeof binding.connection === 'string' && binding.connection ? binding.connection : 'AzureWebJobsStorage';
      const properties = binding.properties as Record<string, unknown> | undefined;
      listeners.push(
        new BlobTriggerListener({
          registration,
          source: typeof binding.source === 'string' ? binding.source : 'LogsAndContainerScan',
          pattern,
          container: clients.blobService(storageConnectionStringFor(connectionName, settings)).getContainerClient(pattern.container),
          connectionName,
          dataType: properties?.supportsDeferredBinding === 'true' ? 'client' : binding.dataType === 'string' ? 'string' : 'binary',
          hostContainer,
          poisonQueue: clients.queueService(storageConnectionString).getQueueClient(BLOB_POISON_QUEUE),
          hostId,
          invoker,
          pollIntervalMs,
          maxAttempts: hostSettings.blobs.poisonBlobThreshold,
          // The extension retries through its host queue, whose failed messages wait the queues' visibilityTimeout.
          retryDelayMs: hostSettings.queues.visibilityTimeoutMs,
          slots: blobSlots,
          log,
        }),
      );
    } else if (kind === 'queuetrigger') {
      const connectionString = storageConnectionStringFor(binding.connection, settings);
      const queueService = clients.queueService(connectionString);
      const queueName = resolveAppSettingExpressions(String(binding.queueName), settings).toLowerCase();
      listeners.push(
        new QueueTriggerListener({
          registration,
          queue: queueService.getQueueClient(queueName),
          poisonQueue: queueService.getQueueClient(`${queueName}-poison`),
          settings: hostSettings.queues,
          invoker,
          pollIntervalMs,
          leaseMs: queueLeaseMs,
          watchWrites: (onMessage) => queueWatcher.watch(connectionString, queueName, onMessage),
          log,
        }),
      );
    } else if (kind === 'timertrigger') {
      listeners.push(
        new TimerTriggerListener({
          registration,
          schedule: resolveAppSettingExpressions(String(binding.schedule), settings),
          runOnStartup: binding.runOnStartup === true,
          useMonitor: typeof binding.useMonitor === 'boolean' ? binding.useMonitor : undefined,
          statusBlob: hostContainer.getBlockBlobClient(`timers/${hostId}/Host.Functions.${registration.name}/status`),
          timeZone: settings.WEBSITE_TIME_ZONE || 'UTC',
          invoker,
          log,
        }),
      );
    }
  }
  return listeners;
}
