import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.js';
import { PRODUCT_ENTRY, PRODUCT_START_TIMEOUT_MS, startProduct, type RunningProduct } from '../../test/support/product.js';
import { discOnPlainBackground } from '../../test/support/sampleImages.js';

/**
 * The whole product as a person uses it: what `npm start` runs (the API, the pipeline, the page) on a
 * free port and a migrated database of its own (test/support/product.ts), and Debian's Chromium,
 * headless, driven by playwright-core.
 */

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
const BUILT_PAGE = path.join(repositoryRoot, 'web', 'dist', 'index.html');
const screenshotFolder = fileURLToPath(new URL('./screenshots', import.meta.url));

const PIPELINE_TIMEOUT_MS = 90_000;

/** The number at the end of the cut-out layer's `inset(… N%)`: how much of the original shows. */
async function cutoutSplit(dialog: Locator): Promise<number> {
  const clipPath = await dialog.locator('.compare-cutout').evaluate((layer) => (layer as HTMLElement).style.clipPath);
  const match = /([\d.]+)%\)$/.exec(clipPath);
  if (!match) throw new Error(`Unexpected clip-path of the cut-out layer: ${clipPath}`);
  return Number(match[1]);
}

interface UploadTimelineEntry {
  name: string;
  status: string;
  progress: number | null;
}

/** Records every change of the upload list (each file's status text and progress bar) in the page. */
async function recordUploadTimeline(page: Page): Promise<void> {
  await page.evaluate(() => {
    const timeline: UploadTimelineEntry[] = [];
    (window as unknown as { uploadTimeline: UploadTimelineEntry[] }).uploadTimeline = timeline;
    const record = () => {
      for (const item of document.querySelectorAll('.upload')) {
        const name = item.querySelector('.upload-name')?.firstChild?.textContent?.trim() ?? '';
        const status = item.querySelector('.upload-status')?.textContent ?? '';
        const progress = item.querySelector('progress')?.value ?? null;
        const last = timeline.findLast((entry) => entry.name === name);
        if (!last || last.status !== status || last.progress !== progress) timeline.push({ name, status, progress });
      }
    };
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
}

/** Where a status text of the upload list stands in the way of a file, in order. */
function uploadStage(status: string): number {
  const stages: Array<[RegExp, number]> = [
    [/^Asking for an upload link…$/, 0],
    [/^Sending… \d+ %$/, 1],
    [/^Uploading…$/, 2],
    [/^Queued…$/, 3],
    [/^Processing…$/, 4],
    [/^Ready$/, 5],
  ];
  const stage = stages.find(([pattern]) => pattern.test(status));
  if (!stage) throw new Error(`Unexpected upload status: ${status}`);
  return stage[1];
}

describe('the gallery page in Chromium against the product', () => {
  let database: TestDatabase | undefined;
  let product: RunningProduct | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`The browser test drives Debian's Chromium at ${CHROMIUM}, which is missing: apt-get install chromium`);
    }
    const builds = [
      { file: PRODUCT_ENTRY, command: 'npm run build' },
      { file: BUILT_PAGE, command: 'npm run web:build' },
    ];
    for (const { file, command } of builds) {
      if (!existsSync(file)) throw new Error(`The browser test runs the built product, and ${file} is missing: ${command} first.`);
    }
    await mkdir(screenshotFolder, { recursive: true });
    database = await createTestDatabase();
    product = await startProduct({ databaseUrl: database.url });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  }, PRODUCT_START_TIMEOUT_MS + 60_000);

  afterAll(async () => {
    await browser?.close();
    await product?.stop();
    await database?.drop();
  }, 60_000);

  it('signs in, uploads two images, edits, filters, moves them to Recently deleted and restores one', async () => {
    const context = await browser!.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: product!.baseUrl });
    const page = await context.newPage();
    // Anything that went wrong in the page: script errors, console errors, failed requests by URL.
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      // A failed resource is reported below with its URL.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) pageErrors.push(message.text());
    });
    page.on('response', (response) => {
      if (response.status() >= 400) pageErrors.push(`${response.status()} ${response.request().method()} ${response.url()}`);
    });
    page.on('requestfailed', (request) => pageErrors.push(`${request.failure()?.errorText} ${request.method()} ${request.url()}`));

    // Sign in with a new user name: an empty gallery of its own.
    const userId = `e2e-${randomBytes(4).toString('hex')}`;
    await page.goto(`${product!.baseUrl}/gallery`);
    await page.getByLabel('User name').fill(userId);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText(`Signed in as ${userId}`).waitFor();
    await page.getByText('No images yet: upload some above.').waitFor();

    // Upload two real images at once through the file input, and follow each one to Ready.
    await recordUploadTimeline(page);
    const files = [
      { name: 'sunset-disc.jpg', mimeType: 'image/jpeg', buffer: await discOnPlainBackground({ format: 'jpeg', width: 640, height: 480 }) },
      { name: 'plain-disc.png', mimeType: 'image/png', buffer: await discOnPlainBackground({ format: 'png', width: 480, height: 360 }) },
    ];
    await page.locator('input[type="file"]').setInputFiles(files);
    for (const file of files) {
      await page
        .locator('.upload', { hasText: file.name })
        .locator('.upload-status', { hasText: /^Ready$/ })
        .waitFor({ timeout: PIPELINE_TIMEOUT_MS });
    }
    const timeline = await page.evaluate(() => (window as unknown as { uploadTimeline: UploadTimelineEntry[] }).uploadTimeline);
    for (const file of files) {
      const entries = timeline.filter((entry) => entry.name === file.name);
      const stages = entries.map((entry) => uploadStage(entry.status));
      expect(stages, `${file.name}: ${entries.map((entry) => entry.status).join(' → ')}`).toEqual([...stages].sort((a, b) => a - b));
      expect(stages.at(-1)).toBe(5);
      expect(Math.max(...entries.map((entry) => entry.progress ?? 0)), `${file.name} sent in full`).toBe(1);
    }

    // Both thumbnails load in the grid.
    const grid = page.getByRole('list', { name: 'Images' });
    for (const title of ['sunset-disc', 'plain-disc']) {
      const thumbnail = grid.locator(`img[alt="Cut-out of ${title}"]`);
      await thumbnail.waitFor({ timeout: PIPELINE_TIMEOUT_MS });
      await expect
        .poll(() => thumbnail.evaluate((image) => (image as HTMLImageElement).naturalWidth), { timeout: 15_000 })
        .toBeGreaterThan(0);
    }
    await expect.poll(() => page.getByText('Images: 2 of').count()).toBe(1);
    await page.screenshot({ path: path.join(screenshotFolder, 'gallery-grid.png'), fullPage: true });

    // Open one: the comparison slider, by keyboard and by pointer.
    await grid.getByRole('button', { name: 'Open sunset-disc' }).click();
    const dialog = page.getByRole('dialog', { name: 'sunset-disc' });
    await dialog.waitFor();
    for (const alt of ['sunset-disc, original', 'sunset-disc, background removed']) {
      const layer = dialog.locator(`img[alt="${alt}"]`);
      await expect.poll(() => layer.evaluate((image) => (image as HTMLImageElement).naturalWidth), { timeout: 15_000 }).toBe(640);
    }
    // The cut-out is shown from its WebP preview: the full PNG is never fetched to look at it.
    const imagesLoaded = () => page.evaluate(() => performance.getEntriesByType('resource').map((entry) => new URL(entry.name).pathname));
    expect((await imagesLoaded()).filter((loaded) => loaded.includes('/previews/'))).toHaveLength(1);
    expect((await imagesLoaded()).filter((loaded) => loaded.includes('/processed/'))).toEqual([]);
    const slider = dialog.getByRole('slider');
    expect(await cutoutSplit(dialog)).toBe(50);
    await slider.focus();
    await page.keyboard.press('Home');
    expect(await cutoutSplit(dialog)).toBe(0);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await cutoutSplit(dialog)).toBe(2);
    await page.keyboard.press('End');
    expect(await cutoutSplit(dialog)).toBe(100);
    const frame = await dialog.locator('.compare-frame').boundingBox();
    if (!frame) throw new Error('The comparison frame is not laid out.');
    await page.mouse.move(frame.x + frame.width * 0.2, frame.y + frame.height / 2);
    await page.mouse.down();
    await page.mouse.move(frame.x + frame.width * 0.6, frame.y + frame.height / 2, { steps: 5 });
    await page.mouse.up();
    const draggedTo = await cutoutSplit(dialog);
    expect(Math.abs(draggedTo - 60), `dragged to ${draggedTo} %`).toBeLessThanOrEqual(2);
    expect(Number(await slider.inputValue())).toBe(draggedTo);

    // Tag it and make it a favourite.
    await dialog.getByLabel('Tags (comma-separated)').fill('Sunset, e2e');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByText('Saved.').waitFor();
    expect(await dialog.getByLabel('Tags (comma-separated)').inputValue()).toBe('sunset, e2e');
    await dialog.getByRole('button', { name: 'Add to favourites' }).click();
    await dialog.locator('button[aria-pressed="true"]', { hasText: 'Favourite' }).waitFor();

    // Download its cut-out: a PNG through the API's redirect to Blob Storage.
    const [cutoutDownload] = await Promise.all([
      page.waitForEvent('download'),
      dialog.getByRole('button', { name: 'Download cut-out' }).click(),
    ]);
    const cutoutBytes = await readFile(await cutoutDownload.path());
    expect(cutoutBytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));

    await dialog.evaluate((element) => element.scrollTo(0, 0));
    await page.screenshot({ path: path.join(screenshotFolder, 'gallery-detail.png') });
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const sunsetCard = grid.getByRole('listitem').filter({ has: page.getByRole('button', { name: 'Open sunset-disc' }) });
    expect(await sunsetCard.getByRole('list', { name: 'Tags of sunset-disc' }).getByRole('listitem').allTextContents()).toEqual([
      'sunset',
      'e2e',
    ]);
    await sunsetCard.getByRole('img', { name: 'Favourite' }).waitFor();

    // Filter by that tag: only that image is left; clearing the filters brings both back.
    const cards = grid.locator(':scope > li');
    await page.getByRole('search').getByLabel('Tags', { exact: true }).fill('sunset');
    await expect.poll(() => cards.count()).toBe(1);
    await grid.getByRole('button', { name: 'Open sunset-disc' }).waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => cards.count()).toBe(2);

    // Select both: download them as one ZIP, then delete them together.
    await page.getByRole('checkbox', { name: 'Select sunset-disc' }).check();
    await page.getByRole('checkbox', { name: 'Select plain-disc' }).check();
    await page.getByText('2 selected').waitFor();
    const [zipDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download ZIP' }).click()]);
    expect(zipDownload.suggestedFilename()).toMatch(/\.zip$/);
    const zipBytes = await readFile(await zipDownload.path());
    expect(zipBytes.subarray(0, 4)).toEqual(Buffer.from('PK\x03\x04', 'latin1'));

    page.once('dialog', (confirm) => void confirm.accept());
    await page.getByRole('button', { name: 'Delete selected' }).click();
    await page.getByText('2 images moved to Recently deleted.').waitFor();
    await page.getByText('No images yet: upload some above.').waitFor();
    // Still counted in the quota until they are deleted for good.
    await expect.poll(() => page.getByText('Images: 2 of').count()).toBe(1);
    await page.getByText(/^Including 2 in Recently deleted/).waitFor();

    // Recently deleted lists both with the days they have left; one restored is back in the grid as it was.
    const views = page.getByRole('navigation', { name: 'Views' });
    await views.getByRole('button', { name: 'Recently deleted' }).click();
    const trash = page.getByRole('list', { name: 'Deleted images' });
    const trashed = trash.locator(':scope > li');
    await expect.poll(() => trashed.count()).toBe(2);
    expect(await trash.getByText('30 days left', { exact: true }).count()).toBe(2);
    await page.screenshot({ path: path.join(screenshotFolder, 'recently-deleted.png'), fullPage: true });
    await trash.getByRole('button', { name: 'Restore sunset-disc' }).click();
    await page.getByText('“sunset-disc” is back in the gallery.').waitFor();
    await expect.poll(() => trashed.count()).toBe(1);
    await views.getByRole('button', { name: 'Gallery' }).click();
    await grid.getByRole('button', { name: 'Open sunset-disc' }).waitFor();
    await expect.poll(() => cards.count()).toBe(1);
    expect(await sunsetCard.getByRole('list', { name: 'Tags of sunset-disc' }).getByRole('listitem').allTextContents()).toEqual([
      'sunset',
      'e2e',
    ]);
    await sunsetCard.getByRole('img', { name: 'Favourite' }).waitFor();

    // Emptying the trash, once confirmed, deletes the other for good: its image slot is free again.
    await views.getByRole('button', { name: 'Recently deleted' }).click();
    page.once('dialog', (confirm) => void confirm.accept());
    await page.getByRole('button', { name: 'Empty trash' }).click();
    await page.getByText('1 image deleted for good.').waitFor();
    await page.getByText('Recently deleted is empty.').waitFor();
    await views.getByRole('button', { name: 'Gallery' }).click();
    await expect.poll(() => page.getByText('Images: 1 of').count()).toBe(1);

    expect(pageErrors).toEqual([]);
    await context.close();
  }, 240_000);

  it('creates an API key shown once, which a script then uses until it is revoked', async () => {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: product!.baseUrl });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('response', (response) => {
      if (response.status() >= 400) pageErrors.push(`${response.status()} ${response.request().method()} ${response.url()}`);
    });

    const userId = `e2e-keys-${randomBytes(4).toString('hex')}`;
    await page.goto(`${product!.baseUrl}/gallery`);
    await page.getByLabel('User name').fill(userId);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText(`Signed in as ${userId}`).waitFor();

    await page.getByRole('button', { name: 'API keys' }).click();
    const panel = page.getByRole('region', { name: 'API keys' });
    await panel.getByText('No keys yet.').waitFor();
    await panel.getByLabel('Key name').fill('nightly backup');
    await panel.getByRole('checkbox', { name: /uploads/ }).uncheck();
    await panel.getByRole('button', { name: 'Create key' }).click();
    const keyField = panel.getByLabel('New key “nightly backup”');
    await keyField.waitFor();
    const key = await keyField.inputValue();
    expect(key).toMatch(/^dtr_[A-Za-z0-9_-]{43}$/);
    await panel.getByRole('button', { name: 'Copy key' }).click();
    await panel.getByText('Key copied.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    const row = panel.getByRole('row', { name: /nightly backup/ });
    await expect.poll(() => row.textContent()).toContain('images:read, images:write, shares');
    await page.screenshot({ path: path.join(screenshotFolder, 'api-keys.png') });

    // What a script does with it: read the gallery; an upload needs the scope the key was made without.
    const asScript = (route: string, init: RequestInit = {}) =>
      fetch(`${product!.baseUrl}/api/${route}`, {
        ...init,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      });
    expect((await asScript('gallery')).status).toBe(200);
    const upload = await asScript('uploads', {
      method: 'POST',
      body: JSON.stringify({ fileName: 'a.jpg', contentType: 'image/jpeg', size: 10 }),
    });
    expect(upload.status).toBe(403);
    expect(((await upload.json()) as { error: { code: string } }).error.code).toBe('insufficient_scope');

    // Once dismissed the key is not shown again; revoking it stops the script at once.
    await panel.getByRole('button', { name: 'Done' }).click();
    expect(await page.locator(`input[value="${key}"]`).count()).toBe(0);
    expect(await page.content()).not.toContain(key);
    await panel.getByRole('button', { name: 'Revoke nightly backup' }).click();
    await panel.getByText('The key “nightly backup” has stopped working.').waitFor();
    await panel.getByText('No keys yet.').waitFor();
    expect((await asScript('gallery')).status).toBe(401);

    expect(pageErrors).toEqual([]);
    await context.close();
  }, 120_000);

  it('shares an image with a password: a stranger opens the page on a phone, sees the preview, cannot download, and loses it on revocation', async () => {
    const owner = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
    await owner.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: product!.baseUrl });
    const page = await owner.newPage();
    const userId = `e2e-share-${randomBytes(4).toString('hex')}`;
    await page.goto(`${product!.baseUrl}/gallery`);
    await page.getByLabel('User name').fill(userId);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText(`Signed in as ${userId}`).waitFor();
    const photo = await discOnPlainBackground({ format: 'png', width: 1200, height: 900 });
    await page.locator('input[type="file"]').setInputFiles([{ name: 'garden-disc.png', mimeType: 'image/png', buffer: photo }]);
    await page
      .locator('.upload', { hasText: 'garden-disc.png' })
      .locator('.upload-status', { hasText: /^Ready$/ })
      .waitFor({ timeout: PIPELINE_TIMEOUT_MS });
    const image = await database!.db.userImage.findFirstOrThrow({ where: { userId } });

    // Share it with a password, preview only, copied from the dialog.
    await page.getByRole('list', { name: 'Images' }).getByRole('button', { name: 'Open garden-disc' }).click();
    const dialog = page.getByRole('dialog', { name: 'garden-disc' });
    await dialog.getByLabel('Password (optional)').fill('open sesame');
    await dialog.getByRole('checkbox', { name: 'Allow download' }).uncheck();
    await dialog.getByRole('button', { name: 'Create share link' }).click();
    const shareUrl = await dialog.getByLabel('Share link for garden-disc').inputValue();
    await dialog.getByRole('button', { name: 'Copy link' }).click();
    await dialog.getByText('Link copied.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(shareUrl);
    expect(shareUrl).toMatch(new RegExp(`^${product!.baseUrl}/s/[\\w-]{43}$`));
    await dialog.getByRole('button', { name: 'Close' }).click();

    // A stranger on a phone: a browser context of its own, nothing of the owner's.
    const stranger = await browser!.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const visitor = await stranger.newPage();
    const publicReplies: string[] = [];
    const requested: string[] = [];
    visitor.on('request', (request) => requested.push(`${request.method()} ${request.url()}`));
    visitor.on('response', (response) => {
      void (async () => {
        const type = response.headers()['content-type'] ?? '';
        const body = type.startsWith('image/') ? '' : await response.text().catch(() => '');
        publicReplies.push(`${response.url()}\n${JSON.stringify(response.headers())}\n${body}`);
      })();
    });
    await visitor.goto(shareUrl);
    expect(await visitor.locator('meta[name="robots"]').getAttribute('content')).toBe('noindex, nofollow');
    await visitor.getByRole('heading', { name: 'This image is protected' }).waitFor();
    await visitor.getByLabel('Password').fill('not it');
    await visitor.getByRole('button', { name: 'Open' }).click();
    await visitor.getByRole('alert').getByText('This password does not open this link.').waitFor();
    await visitor.getByLabel('Password').fill('open sesame');
    await visitor.getByRole('button', { name: 'Open' }).click();
    await visitor.getByRole('heading', { name: 'garden-disc' }).waitFor();
    const shown = visitor.getByRole('img', { name: 'garden-disc' });
    await expect.poll(() => shown.evaluate((element) => (element as HTMLImageElement).naturalWidth), { timeout: 15_000 }).toBe(1200);
    expect(await visitor.getByRole('link', { name: 'Download PNG' }).count()).toBe(0);
    await visitor.screenshot({ path: path.join(screenshotFolder, 'share-page-phone.png'), fullPage: true });

    // What came over the network: the WebP preview through the API, never the PNG nor a storage URL.
    const loaded = await visitor.evaluate(() =>
      performance.getEntriesByType('resource').map((entry) => ({
        url: entry.name,
        bytes: (entry as PerformanceResourceTiming).encodedBodySize,
      })),
    );
    const previews = loaded.filter((entry) => new URL(entry.url).pathname.endsWith('/preview'));
    expect(previews).toHaveLength(1);
    expect(previews[0]!.bytes).toBe(Number(image.previewSize));
    expect(previews[0]!.bytes).toBeLessThan(Number(image.processedSize));
    expect(loaded.filter((entry) => /\/download|\/processed\/|devstoreaccount/.test(entry.url))).toEqual([]);
    const previewUrl = previews[0]!.url;
    const downloadUrl = previewUrl.replace('/preview?', '/download?');
    const fetchStatus = (url: string, init?: RequestInit) =>
      visitor.evaluate(
        async ([target, options]) => {
          const response = await fetch(target, options);
          return { status: response.status, body: await response.text() };
        },
        [url, init ?? {}] as const,
      );
    const refused = await fetchStatus(downloadUrl);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'download_not_allowed' } });
    const pageDataUrl = requested.map((line) => line.split(' ')[1]!).find((url) => /\/api\/shared\/[\w-]+\?access=/.test(url))!;
    expect((await fetchStatus(pageDataUrl)).status).toBe(200);

    // The owner's Shared links view counts the views (the stranger's two page-data fetches) and revokes it.
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Shared links' }).click();
    const row = page.getByRole('row', { name: /garden-disc/ });
    // Cells: image, status, created, expires, views, downloads, last opened, options, actions.
    const cells = row.getByRole('cell');
    await expect
      .poll(async () => (await cells.allTextContents()).filter((_, index) => [0, 1, 4, 5, 7].includes(index)))
      .toEqual(['garden-disc', 'Active', '2', '0', 'password, preview only']);
    await row.getByRole('button', { name: 'Revoke' }).click();
    await page.getByText('That link has stopped working.').waitFor();
    await expect.poll(() => row.textContent()).toContain('Revoked');

    // At once: the page, its data, its preview and the password all stop working.
    for (const url of [pageDataUrl, previewUrl, downloadUrl]) expect((await fetchStatus(url)).status, url).toBe(404);
    const unlock = await fetchStatus(`${shareUrl.replace('/s/', '/api/shared/')}/access`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password: 'open sesame' }),
    });
    expect(unlock.status).toBe(403);
    await visitor.reload();
    await visitor.getByText('This link does not work: it may have expired or been revoked.').waitFor();

    // Nothing the stranger received names the owner or the image.
    expect(publicReplies.length).toBeGreaterThan(5);
    for (const reply of publicReplies) {
      expect(reply).not.toContain(userId);
      expect(reply).not.toContain(image.id);
    }
    await stranger.close();
    await owner.close();
  }, 180_000);

  it('reloads the gallery without downloading any thumbnail again', async () => {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    // Chromium's own network log: every thumbnail request, the bytes it took off the network, and
    // whether the cache answered it.
    const network = await context.newCDPSession(page);
    await network.send('Network.enable');
    const thumbnailRequests = new Map<string, { url: string; fromCache: boolean; networkBytes: number }>();
    network.on('Network.requestWillBeSent', (event) => {
      if (new URL(event.request.url).pathname.includes('/thumbnails/')) {
        thumbnailRequests.set(event.requestId, { url: event.request.url, fromCache: false, networkBytes: 0 });
      }
    });
    network.on('Network.requestServedFromCache', (event) => {
      const request = thumbnailRequests.get(event.requestId);
      if (request) request.fromCache = true;
    });
    network.on('Network.responseReceived', (event) => {
      const request = thumbnailRequests.get(event.requestId);
      if (request && (event.response.fromDiskCache || event.response.fromPrefetchCache)) request.fromCache = true;
    });
    network.on('Network.loadingFinished', (event) => {
      const request = thumbnailRequests.get(event.requestId);
      if (request) request.networkBytes = event.encodedDataLength;
    });

    const userId = `e2e-cache-${randomBytes(4).toString('hex')}`;
    await page.goto(`${product!.baseUrl}/gallery`);
    await page.getByLabel('User name').fill(userId);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('No images yet: upload some above.').waitFor();
    const files = ['first', 'second'].map(async (name) => ({
      name: `${name}.png`,
      mimeType: 'image/png',
      buffer: await discOnPlainBackground({ format: 'png', width: 480, height: 360 }),
    }));
    await page.locator('input[type="file"]').setInputFiles(await Promise.all(files));
    const grid = page.getByRole('list', { name: 'Images' });
    const loadedThumbnails = async () => {
      const thumbnails = grid.locator('img[alt^="Cut-out of "]');
      await expect.poll(() => thumbnails.count(), { timeout: PIPELINE_TIMEOUT_MS }).toBe(2);
      await expect
        .poll(() => thumbnails.evaluateAll((images) => images.every((image) => (image as HTMLImageElement).naturalWidth > 0)), {
          timeout: 15_000,
        })
        .toBe(true);
      return thumbnails.evaluateAll((images) => images.map((image) => (image as HTMLImageElement).src).sort());
    };
    const shown = await loadedThumbnails();
    const firstLoad = [...thumbnailRequests.values()];
    expect(firstLoad.reduce((sum, request) => sum + request.networkBytes, 0)).toBeGreaterThan(0);

    // A reload asks the API again. Its links are the same while its signing window lasts; a reload
    // that happened to straddle a window's edge gets new ones, so it is tried once more.
    let reloaded: string[] = [];
    for (let attempt = 0; attempt < 2 && reloaded.join() !== shown.join(); attempt++) {
      if (attempt > 0) shown.splice(0, shown.length, ...reloaded);
      thumbnailRequests.clear();
      await page.reload();
      reloaded = await loadedThumbnails();
    }
    expect(reloaded).toEqual(shown);
    const afterReload = [...thumbnailRequests.values()];
    expect(afterReload.reduce((sum, request) => sum + request.networkBytes, 0)).toBe(0);
    expect(afterReload.every((request) => request.fromCache)).toBe(true);
    await context.close();
  }, 180_000);

  it('shows a person’s usage over time as charts, on a phone', async () => {
    const context = await browser!.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('response', (response) => {
      if (response.status() >= 400) pageErrors.push(`${response.status()} ${response.request().method()} ${response.url()}`);
    });

    const userId = `e2e-${randomBytes(4).toString('hex')}`;
    await page.goto(`${product!.baseUrl}/gallery`);
    await page.getByLabel('User name').fill(userId);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('No images yet: upload some above.').waitFor();

    // Twenty weeks of history, one image every 19 hours, as the pipeline would have left them.
    const types = ['image/jpeg', 'image/png', 'image/webp'];
    const qualities = ['excellent', 'good', 'fair'] as const;
    const images = Array.from({ length: 170 }, (_, n) => ({
      userId,
      originalName: `IMG_${n}.jpg`,
      fileType: types[n % 3]!,
      fileSize: 100_000n,
      originalPath: `${userId}/${n}`,
      status: n % 10 === 9 ? ('failed' as const) : ('ready' as const),
      quality: n % 10 === 9 ? null : qualities[(n * 7) % 3]!,
      processingTime: n % 10 === 9 ? null : 800 + ((n * 389) % 3000),
      storageBytes: BigInt(200_000 + n * 1000),
      createdAt: new Date(Date.now() - (n + 1) * 19 * 3_600_000),
    }));
    await database!.db.userImage.createMany({ data: images });

    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Usage' }).click();
    const charts = ['Cut-out quality', 'Processing time (ms)', 'Storage added', 'Images by type'].map((name) =>
      page.getByRole('figure', { name }),
    );
    for (const chart of charts) await chart.locator('svg.recharts-surface').first().waitFor();
    // Drawn with data: bars of some height, both lines, the area, bars per type.
    const barHeights = (chart: Locator) =>
      chart.locator('.recharts-bar-rectangle path').evaluateAll((bars) => bars.map((bar) => (bar as SVGGraphicsElement).getBBox().height));
    await expect.poll(async () => (await barHeights(charts[0]!)).filter((height) => height > 0).length).toBeGreaterThan(20);
    await expect.poll(() => charts[1]!.locator('path.recharts-line-curve').count()).toBe(2);
    expect(await charts[1]!.locator('path.recharts-line-curve').first().getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+L/);
    expect(await charts[2]!.locator('path.recharts-area-area').getAttribute('d')).toMatch(/^M/);
    await expect.poll(async () => (await barHeights(charts[3]!)).filter((height) => height > 0).length).toBeGreaterThan(20);
    expect(await charts[3]!.locator('.recharts-legend-item-text').allTextContents()).toEqual(types);

    // The data table under a chart holds what was seeded: every image counted once by type.
    await charts[3]!.getByText('Data table: Images by type').click();
    const perType = await charts[3]!
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('td')].map((cell) => Number(cell.textContent))));
    expect(types.map((_, column) => perType.reduce((sum, row) => sum + row[column]!, 0))).toEqual(
      types.map((type) => images.filter((image) => image.fileType === type).length),
    );
    await charts[3]!.getByText('Data table: Images by type').click();
    expect((await barHeights(charts[3]!)).filter((height) => height > 0).length).toBeGreaterThan(20);

    // Readable on a phone: nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // The whole page at the phone's width: a viewport as tall as the page (a full-page capture of an
    // emulated phone leaves the SVG below the first screen unpainted).
    await page.setViewportSize({ width: 390, height: await page.evaluate(() => document.documentElement.scrollHeight) });
    expect((await barHeights(charts[3]!)).filter((height) => height > 0).length).toBeGreaterThan(20);
    await page.getByRole('heading', { name: 'Usage over time' }).hover();
    await page.screenshot({ path: path.join(screenshotFolder, 'usage-phone.png') });
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 120_000);
});
