import type { EventSubscription } from '../devhost/blobEventsRelay.js';
import { CONTAINERS } from '../shared/storage/blobPaths.js';

/**
 * The Event Grid subscription infra/app/blob-events.bicep creates on Azure, for the local relay
 * (devhost/blobEventsRelay.ts): BlobCreated events of the upload intake, up to MAX_UPLOAD_BYTES, posted
 * to the blobs extension's webhook of the upload trigger (functions/onOriginalUploaded.ts).
 * dev/uploadEventsSubscription.test.ts keeps the two the same.
 */

const UPLOAD_TRIGGER_FUNCTION = 'onOriginalUploaded';

export function uploadEventsSubscription(options: {
  /** The Functions host, e.g. http://localhost:7071. */
  hostUrl: string;
  /** The host's `blobs_extension` system key. */
  blobsExtensionKey: string;
  maxUploadBytes: number;
}): EventSubscription {
  return {
    name: 'uploads-blob-created',
    endpointUrl: `${options.hostUrl}/runtime/webhooks/blobs?functionName=Host.Functions.${UPLOAD_TRIGGER_FUNCTION}&code=${encodeURIComponent(options.blobsExtensionKey)}`,
    includedEventTypes: ['Microsoft.Storage.BlobCreated'],
    subjectBeginsWith: `/blobServices/default/containers/${CONTAINERS.uploads}/blobs/`,
    advancedFilters: [{ operatorType: 'NumberLessThanOrEquals', key: 'data.contentLength', value: options.maxUploadBytes }],
  };
}
