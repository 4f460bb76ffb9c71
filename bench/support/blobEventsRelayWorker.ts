import { startBlobEventsRelay, type EventSubscription } from '../../devhost/blobEventsRelay.js';
import { closeChannel, nextFromParent, sendToParent, workerInput } from './workerChannel.js';

/**
 * The blob events relay (devhost/blobEventsRelay.ts) in a process of its own, so that proxying the
 * product's blob traffic never shares the benchmark's event loop (see productStack.ts): sends
 * `listening` with the connection string through it, subscribes what the parent sends, says
 * `subscribed`, and stops when told `stop`.
 */

export interface BlobEventsRelayWorkerInput {
  /** Azurite's connection string. */
  connectionString: string;
}

export type BlobEventsRelayWorkerMessage = { type: 'listening'; connectionString: string } | { type: 'subscribed' };

const input = workerInput<BlobEventsRelayWorkerInput>();
const relay = await startBlobEventsRelay({ connectionString: input.connectionString });
await sendToParent({ type: 'listening', connectionString: relay.connectionString } satisfies BlobEventsRelayWorkerMessage);
await relay.subscribe(await nextFromParent<EventSubscription>());
await sendToParent({ type: 'subscribed' } satisfies BlobEventsRelayWorkerMessage);
await nextFromParent<'stop'>();
await relay.stop();
closeChannel();
