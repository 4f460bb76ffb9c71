import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discOnPlainBackground } from '../support/sampleImages.js';
import { startTestApp, type TestApp } from '../support/testApp.js';
import { uploadThroughApi, waitForSettledImage } from '../support/uploadThroughApi.js';

/**
 * Locally, as on Azure, an upload reaches the blob trigger by an Event Grid push: the blob events relay
 * in front of Azurite (devhost/blobEventsRelay.ts) publishes BlobCreated for the browser's PUT and
 * delivers it to the subscription dev/uploadEventsSubscription.ts makes.
 */

describe('the local Event Grid pushes an upload to the blob trigger', () => {
  let app: TestApp;

  beforeAll(async () => {
    // Listed once at start-up, then not for ten minutes: only the relay's event can start the pipeline.
    app = await startTestApp({ pollIntervalMs: 600_000 });
  });
  afterAll(() => app?.stop());

  it('turns a browser-style upload into a ready image without a container poll or a hand-made event', async () => {
    const token = await app.tokenFor('relay-rita');
    const { imageId } = await uploadThroughApi(app, token, await discOnPlainBackground(), { fileName: 'pushed.jpg' });
    expect(await waitForSettledImage(app, token, imageId, 20_000)).toMatchObject({ status: 'ready', fileType: 'image/jpeg' });
  });
});
