import { readFileSync } from 'node:fs';
import { BlockBlobClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobCreatedEvent, postEventGrid, subscriptionValidationEvent } from '../../devhost/test/helpers.js';
import { discOnPlainBackground } from '../support/sampleImages.js';
import { startTestApp, type TestApp } from '../support/testApp.js';
import { waitForSettledImage } from '../support/uploadThroughApi.js';

/**
 * On Azure (Flex Consumption) the blob trigger fires only on Event Grid's BlobCreated events, posted to
 * the URL infra/app/blob-events.bicep subscribes. This drives the pipeline through that URL, read from
 * the template, with the body Event Grid sends; the container is not polled meanwhile, and the local
 * blob events relay has no subscription (test/pipeline/uploadEvents.e2e.test.ts covers its push).
 */

const template = readFileSync(new URL('../../infra/app/blob-events.bicep', import.meta.url), 'utf8');

/** The template's subscription URL for this host: its host name, default function name and the blobs_extension key filled in. */
function subscriptionUrl(app: TestApp): string {
  const endpoint = /endpointUrl: '([^']+)'/.exec(template)?.[1];
  const functionName = /param functionName string = '([^']+)'/.exec(template)?.[1];
  if (!endpoint || !functionName)
    throw new Error('infra/app/blob-events.bicep no longer declares endpointUrl and functionName as this test reads them');
  return endpoint
    .replace('https://${functionApp.properties.defaultHostName}', app.baseUrl)
    .replace('${functionName}', functionName)
    .replace('${blobsExtensionKey}', encodeURIComponent(app.systemKey('blobs_extension')!));
}

describe('Event Grid delivers the upload to the blob trigger at the subscription URL of the infrastructure', () => {
  let app: TestApp;

  beforeAll(async () => {
    // Listed once at start-up, then not for ten minutes: only the hand-made delivery can start the pipeline.
    app = await startTestApp({ pollIntervalMs: 600_000, uploadEvents: false });
  });
  afterAll(() => app?.stop());

  it('answers the validation handshake and turns a BlobCreated event into a ready image', async () => {
    const url = subscriptionUrl(app);
    const validation = await postEventGrid(url, 'SubscriptionValidation', [
      subscriptionValidationEvent('C2E5A6A1-5A5E-4D5B-9E1C-0F0B5F3B9C77'),
    ]);
    expect(validation.status).toBe(200);
    expect(await validation.json()).toEqual({ validationResponse: 'C2E5A6A1-5A5E-4D5B-9E1C-0F0B5F3B9C77' });

    const token = await app.tokenFor('event-grid-eve');
    const photo = await discOnPlainBackground();
    const requested = await app.api('POST', '/api/uploads', {
      token,
      body: { fileName: 'grid.jpg', contentType: 'image/jpeg', size: photo.length },
    });
    expect(requested.status).toBe(201);
    const blob = new BlockBlobClient(requested.body.upload.url);
    const uploaded = await blob.uploadData(photo, { blobHTTPHeaders: { blobContentType: 'image/jpeg' } });
    expect((await app.api('GET', `/api/images/${requested.body.image.id}`, { token })).body.status).toBe('pending_upload');

    const event = blobCreatedEvent({
      url: blob.url.split('?')[0]!,
      eTag: uploaded.etag!,
      contentType: 'image/jpeg',
      contentLength: photo.length,
    });
    const created = await postEventGrid(url, 'Notification', [event]);
    expect(created.status).toBe(202);
    expect(await waitForSettledImage(app, token, requested.body.image.id)).toMatchObject({ status: 'ready', fileType: 'image/jpeg' });
  });
});
