import { readFileSync } from 'node:fs';
import { BlockBlobClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discOnPlainBackground } from '../support/sampleImages.js';
import { startTestApp, type TestApp } from '../support/testApp.js';
import { waitForSettledImage } from '../support/uploadThroughApi.js';

/**
 * On Azure (Flex Consumption) the blob trigger fires only on Event Grid's BlobCreated events, posted to
 * the URL infra/app/blob-events.bicep subscribes. This drives the pipeline through that URL, read from
 * the template, with the body Event Grid sends; the container is not polled meanwhile.
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
    // Listed once at start-up, then not for ten minutes: only Event Grid's delivery can start the pipeline.
    app = await startTestApp({ pollIntervalMs: 600_000 });
  });
  afterAll(() => app?.stop());

  it('answers the validation handshake and turns a BlobCreated event into a ready image', async () => {
    const url = subscriptionUrl(app);
    const post = (eventType: string, events: unknown[]) =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'aeg-event-type': eventType,
          'aeg-subscription-name': 'ORIGINALS-BLOB-CREATED',
          'aeg-delivery-count': '0',
        },
        body: JSON.stringify(events),
      });
    const topic =
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-detour/providers/Microsoft.Storage/storageAccounts/stdetourdata';

    const validation = await post('SubscriptionValidation', [
      {
        id: 'a2e8b1f7-5c3c-4f7a-9a43-1b4a1c0e9d12',
        topic,
        subject: '',
        data: {
          validationCode: 'C2E5A6A1-5A5E-4D5B-9E1C-0F0B5F3B9C77',
          validationUrl: 'https://rp-westeurope.eventgrid.azure.net/eventsubscriptions/originals-blob-created/validate?id=x',
        },
        eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
        eventTime: '2026-03-01T10:00:00.0000000Z',
        metadataVersion: '1',
        dataVersion: '2',
      },
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

    const blobUrl = blob.url.split('?')[0]!;
    const path = new URL(blobUrl).pathname.split('/').slice(2); // Azurite's URLs carry the account first
    const created = await post('Notification', [
      {
        topic,
        subject: `/blobServices/default/containers/${path[0]}/blobs/${path.slice(1).join('/')}`,
        eventType: 'Microsoft.Storage.BlobCreated',
        id: '9aeb0fdf-c01e-0131-0922-9eb54906e209',
        data: {
          api: 'PutBlob',
          clientRequestId: 'a1b2c3d4-0000-0000-0000-000000000000',
          requestId: '9aeb0fdf-c01e-0131-0922-9eb549000000',
          eTag: uploaded.etag!.replaceAll('"', ''),
          contentType: 'image/jpeg',
          contentLength: photo.length,
          blobType: 'BlockBlob',
          url: blobUrl,
          sequencer: '0000000000000000000000000000DEAD0000000000000001',
          storageDiagnostics: { batchId: 'b4229b3a-4d50-4ff4-a9f2-039ccf26efe9' },
        },
        dataVersion: '',
        metadataVersion: '1',
        eventTime: '2026-03-01T10:00:05.0000000Z',
      },
    ]);
    expect(created.status).toBe(202);
    expect(await waitForSettledImage(app, token, requested.body.image.id)).toMatchObject({ status: 'ready', fileType: 'image/jpeg' });
  });
});
