import { createHash } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { HttpRequest, type HttpResponseInit } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openIntegrationParts } from '../../test/support/integrationParts.js';
import { seedStoredImage, type SeededImage } from '../../test/support/seedImages.js';
import { seedUser } from '../../test/support/seedUser.js';
import type { Database } from '../db/index.js';
import { ensureAppError } from '../errors.js';
import { json } from '../http/json.js';
import { validate } from '../http/parseInput.js';
import { toErrorResponse } from '../http/toErrorResponse.js';
import { deleteImage } from '../images/deleteImage.js';
import type { BlobStore } from '../storage/blobStore.js';
import { createShareLink } from './createShareLink.js';
import { listImageShareLinks, listShareLinks } from './listShareLinks.js';
import { openSharedImage } from './openSharedImage.js';
import { PUBLIC_SHARE_HEADERS } from './publicShareResponse.js';
import { removeDeadShareLinks } from './removeDeadShareLinks.js';
import { revokeAllShareLinks, revokeShareLink, revokeShareLinks } from './revokeShareLinks.js';
import { sharedFileResponse } from './sharedFileResponse.js';
import { shareLinkRequestSchema, type SharedImage } from './shareSchemas.js';
import { PASSWORD_ATTEMPTS_PER_WINDOW, PASSWORD_WINDOW_SECONDS, unlockShareLink } from './unlockShareLink.js';

const HOUR = 3_600_000;
const BASE_URL = 'https://detour.example';
const SECRET = 'share-test-secret';
const BROWSER = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1';

/** One public reply as a client gets it: status, headers, body bytes. */
interface PublicReply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

describe('share links against PostgreSQL and Azurite', () => {
  let close: (() => Promise<void>) | undefined;
  let db: Database;
  let blobs: BlobStore;
  let shared: SeededImage;
  /** Every public reply of this file, scanned at the end for the owner's and the image's ids. */
  const publicReplies: PublicReply[] = [];

  beforeAll(async () => {
    ({ db, blobs, close } = await openIntegrationParts());
    await seedUser(db, 'share-ann');
    await seedUser(db, 'share-ben');
    shared = await seedStoredImage(db, blobs, 'share-ann', { title: 'Mon chat à Noël' });
  });
  afterAll(() => close?.());

  const share = async (options: { userId?: string; imageId?: string; now?: Date; body?: Record<string, unknown> } = {}) =>
    createShareLink({
      db,
      userId: options.userId ?? 'share-ann',
      imageId: options.imageId ?? shared.image.id,
      request: validate(shareLinkRequestSchema, options.body ?? {}, 'request body'),
      publicBaseUrl: BASE_URL,
      now: options.now,
    });

  /** A public route's reply, errors through the edge's one mapping, as the function files do. */
  async function reply(produce: () => Promise<HttpResponseInit>): Promise<PublicReply> {
    let response: HttpResponseInit;
    try {
      response = await produce();
    } catch (error) {
      response = toErrorResponse(ensureAppError(error));
    }
    const body = response.jsonBody
      ? Buffer.from(JSON.stringify(response.jsonBody))
      : response.body
        ? await buffer(response.body as NodeJS.ReadableStream)
        : Buffer.alloc(0);
    const result = { status: response.status ?? 200, headers: Object.fromEntries(new Headers(response.headers)), body };
    publicReplies.push(result);
    return result;
  }
  const jsonOf = (response: PublicReply) => JSON.parse(response.body.toString('utf8'));
  const pageData = (token: string, options: { access?: string; counted?: boolean; now?: Date } = {}) =>
    reply(async () =>
      json(
        200,
        await openSharedImage({ db, secret: SECRET, token, access: options.access, counted: options.counted ?? true, now: options.now }),
        PUBLIC_SHARE_HEADERS,
      ),
    );
  const unlock = (token: string, password: string, now?: Date) =>
    reply(async () => {
      const grant = await unlockShareLink({ db, secret: SECRET, token, password, now });
      return json(200, { access: grant.value, expiresAt: grant.expiresAt.toISOString() }, PUBLIC_SHARE_HEADERS);
    });
  /** A file path of the page data (`/api/shared/{token}/preview?access=…`), fetched like the function does. */
  const file = (path: string, options: { method?: string; userAgent?: string; now?: Date } = {}) =>
    reply(async () => {
      const url = new URL(path, BASE_URL);
      const [, , , token, kind] = url.pathname.split('/');
      const request = new HttpRequest({
        method: options.method ?? 'GET',
        url: url.href,
        headers: { 'user-agent': options.userAgent ?? BROWSER },
      });
      return sharedFileResponse(request, {
        db,
        blobs,
        secret: SECRET,
        token: token!,
        access: url.searchParams.get('access') ?? undefined,
        kind: kind as 'preview' | 'download',
        now: options.now,
      });
    });
  const linkRow = (id: string) => db.shareLink.findUniqueOrThrow({ where: { id } });

  it('refuses bad share options with the field at fault, and stores nothing', async () => {
    const before = await db.shareLink.count();
    for (const [body, field] of [
      [{ expiresInHours: 0 }, 'expiresInHours'],
      [{ expiresInHours: 721 }, 'expiresInHours'],
      [{ expiresInHours: 1.5 }, 'expiresInHours'],
      [{ password: 'abc' }, 'password'],
      [{ maxViews: 0 }, 'maxViews'],
      [{ allowDownload: 'no' }, 'allowDownload'],
      [{ forever: true }, '(body)'],
    ] as const) {
      expect(await share({ body }).catch((error: unknown) => error)).toMatchObject({
        code: 'invalid_request',
        details: [expect.objectContaining({ field })],
      });
    }
    expect(await db.shareLink.count()).toBe(before);
  });

  it('makes a 256-bit token for a page at /s/{token}, 24 hours by default, storing only its hash and a scrypt hash of the password', async () => {
    const createdAt = new Date();
    const link = await share({ now: createdAt, body: { password: 'correct horse' } });
    expect(Buffer.from(link.token, 'base64url')).toHaveLength(32);
    expect(link).toMatchObject({ url: `${BASE_URL}/s/${link.token}`, hasPassword: true, allowDownload: true, maxViews: null });
    expect(link.expiresAt.getTime()).toBe(createdAt.getTime() + 24 * HOUR);
    const row = await linkRow(link.id);
    expect(row.tokenHash).toBe(createHash('sha256').update(link.token).digest('hex'));
    expect(row.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(JSON.stringify(row)).not.toContain(link.token);
    expect(JSON.stringify(row)).not.toContain('correct horse');
  });

  it('asks for the password before the page data, the preview and the download, and gives them with it', async () => {
    const link = await share({ body: { password: 'correct horse' } });
    expect(jsonOf(await pageData(link.token))).toMatchObject({ error: { code: 'password_required' } });
    const other = await share({ body: { password: 'correct horse' } });
    const otherGrant = jsonOf(await unlock(other.token, 'correct horse')).access as string;
    // A grant opens the link it was made for only.
    expect((await pageData(link.token, { access: otherGrant })).status).toBe(403);

    const unlocked = await unlock(link.token, 'correct horse');
    expect(unlocked.status).toBe(200);
    const page = await pageData(link.token, { access: jsonOf(unlocked).access });
    expect(page.status).toBe(200);
    const data = jsonOf(page) as SharedImage;
    expect(data).toMatchObject({ title: 'Mon chat à Noël', allowDownload: true, expiresAt: link.expiresAt.toISOString() });

    const preview = await file(data.urls.preview);
    expect(preview).toMatchObject({ status: 200, headers: { 'content-type': 'image/webp', 'cache-control': 'private, no-store' } });
    expect(preview.body).toEqual(shared.preview);
    const download = await file(data.urls.download!);
    expect(download.headers).toMatchObject({
      'content-type': 'image/png',
      'content-disposition': 'attachment; filename="Mon-chat-a-Noel.png"; filename*=UTF-8\'\'Mon-chat-a-Noel.png',
    });
    expect(download.body).toEqual(shared.processed);

    // The file routes want the view grant: no grant, the unlock grant or a forged one are refused.
    for (const query of ['', `?access=${jsonOf(unlocked).access}`, '?access=99999999999.AAAA']) {
      for (const kind of ['preview', 'download']) {
        const refused = await file(`/api/shared/${link.token}/${kind}${query}`);
        expect(jsonOf(refused)).toMatchObject({ error: { code: 'access_required' } });
      }
    }
  });

  it('answers a wrong password exactly as an unknown, revoked or expired link with any password', async () => {
    const live = await share({ body: { password: 'correct horse' } });
    const revoked = await share({ body: { password: 'correct horse' } });
    await revokeShareLink({ db, userId: 'share-ann', linkId: revoked.id });
    const expired = await share({ now: new Date(Date.now() - 2 * HOUR), body: { expiresInHours: 1, password: 'correct horse' } });
    const open = await share();

    const wrong = await unlock(live.token, 'wrong horse');
    expect(wrong.status).toBe(403);
    expect(jsonOf(wrong)).toEqual({ error: { code: 'wrong_password', message: 'This password does not open this link.' } });
    for (const answer of [
      await unlock('A'.repeat(43), 'wrong horse'),
      await unlock('A'.repeat(43), 'correct horse'),
      await unlock(revoked.token, 'correct horse'),
      await unlock(expired.token, 'correct horse'),
    ]) {
      expect(answer).toEqual(wrong);
    }
    // A link with no password is public anyway: any password unlocks it.
    expect((await unlock(open.token, 'anything')).status).toBe(200);
  });

  it('limits password tries per link (wrong or right), tells when to come back, and lets the right one in after the window', async () => {
    const link = await share({ body: { password: 'correct horse' } });
    const start = new Date();
    for (let attempt = 1; attempt <= PASSWORD_ATTEMPTS_PER_WINDOW; attempt += 1) {
      expect(jsonOf(await unlock(link.token, `guess ${attempt}`, new Date(start.getTime() + attempt * 1000)))).toMatchObject({
        error: { code: 'wrong_password' },
      });
    }
    const limited = await unlock(link.token, 'correct horse', new Date(start.getTime() + 60_000));
    expect(limited.status).toBe(429);
    expect(jsonOf(limited)).toMatchObject({ error: { code: 'too_many_attempts' } });
    expect(Number(limited.headers['retry-after'])).toBe(PASSWORD_WINDOW_SECONDS - 60 + 1);
    expect((await linkRow(link.id)).passwordAttempts).toBe(PASSWORD_ATTEMPTS_PER_WINDOW + 1);

    const later = new Date(start.getTime() + (PASSWORD_WINDOW_SECONDS + 2) * 1000);
    expect((await unlock(link.token, 'correct horse', later)).status).toBe(200);
    expect((await linkRow(link.id)).passwordAttempts).toBe(0);
    // Another link's tries are its own.
    const fresh = await share({ body: { password: 'correct horse' } });
    expect((await unlock(fresh.token, 'correct horse')).status).toBe(200);
  });

  it('counts one view per page-data fetch by a person and downloads, never HEAD or link-preview bots, which use up no maxViews', async () => {
    const link = await share({ body: { maxViews: 2 } });
    for (let fetch = 0; fetch < 3; fetch += 1) expect((await pageData(link.token, { counted: false })).status).toBe(200);
    expect((await linkRow(link.id)).viewCount).toBe(0);

    const first = jsonOf(await pageData(link.token)) as SharedImage;
    await file(first.urls.preview);
    await file(first.urls.preview, { method: 'HEAD' });
    await file(first.urls.download!, { method: 'HEAD' });
    await file(first.urls.download!, { userAgent: 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' });
    await file(first.urls.download!, { userAgent: 'facebookexternalhit/1.1' });
    const head = await file(first.urls.download!, { method: 'HEAD' });
    expect(head).toMatchObject({ status: 200, body: Buffer.alloc(0) });
    let row = await linkRow(link.id);
    expect(row).toMatchObject({ viewCount: 1, downloadCount: 0 });
    const firstAccess = row.lastAccessedAt!;

    await file(first.urls.download!);
    row = await linkRow(link.id);
    expect(row).toMatchObject({ viewCount: 1, downloadCount: 1 });
    expect(row.lastAccessedAt!.getTime()).toBeGreaterThanOrEqual(firstAccess.getTime());

    const second = jsonOf(await pageData(link.token)) as SharedImage;
    expect((await linkRow(link.id)).viewCount).toBe(2);
    // Used up: the page is gone for people and bots alike, like a revoked link…
    expect(jsonOf(await pageData(link.token))).toMatchObject({ error: { code: 'not_found' } });
    expect((await pageData(link.token, { counted: false })).status).toBe(404);
    expect((await linkRow(link.id)).viewCount).toBe(2);
    // …but the view that used it up still loads its image.
    expect((await file(second.urls.preview)).status).toBe(200);
    const listed = await listImageShareLinks({ db, userId: 'share-ann', imageId: shared.image.id });
    expect(listed.links.find((summary) => summary.id === link.id)).toMatchObject({
      status: 'used_up',
      views: 2,
      downloads: 1,
      maxViews: 2,
    });
  });

  it('serves the preview only when downloads are not allowed', async () => {
    const link = await share({ body: { allowDownload: false } });
    const data = jsonOf(await pageData(link.token)) as SharedImage;
    expect(data).toMatchObject({ allowDownload: false, urls: { download: null } });
    expect((await file(data.urls.preview)).status).toBe(200);
    const refused = await file(data.urls.preview.replace('/preview?', '/download?'));
    expect(refused.status).toBe(403);
    expect(jsonOf(refused)).toMatchObject({ error: { code: 'download_not_allowed' } });
    expect((await linkRow(link.id)).downloadCount).toBe(0);
  });

  it('stops the page data, the password, the preview and the download at once on revocation and on expiry', async () => {
    const link = await share({ body: { password: 'correct horse', expiresInHours: 1 } });
    const access = jsonOf(await unlock(link.token, 'correct horse')).access as string;
    const data = jsonOf(await pageData(link.token, { access })) as SharedImage;
    const everyUrl = async (now?: Date) => [
      (await pageData(link.token, { access, now })).status,
      (await file(data.urls.preview, { now })).status,
      (await file(data.urls.download!, { now })).status,
    ];
    expect(await everyUrl()).toEqual([200, 200, 200]);
    // Expiry: at the link's end, even with grants still young.
    expect(await everyUrl(link.expiresAt)).toEqual([404, 404, 404]);
    expect(jsonOf(await unlock(link.token, 'correct horse', link.expiresAt))).toMatchObject({ error: { code: 'wrong_password' } });

    await revokeShareLink({ db, userId: 'share-ann', linkId: link.id });
    expect(await everyUrl()).toEqual([404, 404, 404]);
    expect(jsonOf(await unlock(link.token, 'correct horse'))).toMatchObject({ error: { code: 'wrong_password' } });
  });

  it('lets nobody else list or revoke a link, shares only ready images, and dies with its image', async () => {
    const kept = await share();
    expect(await share({ userId: 'share-ben' }).catch((error: unknown) => error)).toMatchObject({ code: 'not_found' });
    expect(await revokeShareLink({ db, userId: 'share-ben', linkId: kept.id }).catch((error: unknown) => error)).toMatchObject({
      code: 'not_found',
    });
    expect(await revokeShareLink({ db, userId: 'share-ann', linkId: 'c'.repeat(25) }).catch((error: unknown) => error)).toMatchObject({
      code: 'not_found',
    });
    expect(await revokeShareLinks({ db, userId: 'share-ben', imageId: shared.image.id }).catch((error: unknown) => error)).toMatchObject({
      code: 'not_found',
    });
    expect(await listImageShareLinks({ db, userId: 'share-ben', imageId: shared.image.id }).catch((error: unknown) => error)).toMatchObject(
      {
        code: 'not_found',
      },
    );
    expect(await revokeAllShareLinks({ db, userId: 'share-ben' })).toEqual({ revoked: 0 });
    expect((await listShareLinks({ db, userId: 'share-ben', cursorSecret: SECRET, limit: 10 })).links).toEqual([]);
    expect((await pageData(kept.token)).status).toBe(200);

    const queued = await seedStoredImage(db, blobs, 'share-ann', { status: 'queued' });
    expect(await share({ imageId: queued.image.id }).catch((error: unknown) => error)).toMatchObject({ code: 'conflict' });

    const doomed = await seedStoredImage(db, blobs, 'share-ann');
    const doomedLink = await share({ imageId: doomed.image.id });
    await deleteImage({ db, blobs, userId: 'share-ann', imageId: doomed.image.id, permanent: true });
    expect((await pageData(doomedLink.token)).status).toBe(404);
  });

  it("lists the owner's links newest first with their counts and status, a page at a time, and revokes them all", async () => {
    const other = await seedStoredImage(db, blobs, 'share-ann', { title: 'Second' });
    const newest = await share({ imageId: other.image.id, body: { maxViews: 3, allowDownload: false, password: 'correct horse' } });
    const all: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listShareLinks({ db, userId: 'share-ann', cursorSecret: SECRET, limit: 4, cursor });
      expect(page.links.length).toBeLessThanOrEqual(4);
      all.push(...page.links.map((link) => link.id));
      cursor = page.nextCursor ?? undefined;
      if (cursor) {
        expect(
          await listShareLinks({ db, userId: 'share-ben', cursorSecret: SECRET, limit: 4, cursor }).catch((error: unknown) => error),
        ).toMatchObject({
          code: 'invalid_request',
        });
      }
    } while (cursor);
    const rows = await db.shareLink.findMany({
      where: { image: { userId: 'share-ann', deletedAt: null } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
    expect(all).toEqual(rows.map((row) => row.id));
    const first = (await listShareLinks({ db, userId: 'share-ann', cursorSecret: SECRET, limit: 1 })).links[0];
    expect(first).toEqual({
      id: newest.id,
      imageId: other.image.id,
      imageTitle: 'Second',
      createdAt: expect.any(String),
      expiresAt: newest.expiresAt.toISOString(),
      views: 0,
      downloads: 0,
      lastAccessedAt: null,
      hasPassword: true,
      allowDownload: false,
      maxViews: 3,
      status: 'active',
    });

    const live = rows.filter((row) => row.revokedAt === null).length;
    expect(await revokeAllShareLinks({ db, userId: 'share-ann' })).toEqual({ revoked: live });
    const after = await listShareLinks({ db, userId: 'share-ann', cursorSecret: SECRET, limit: 100 });
    expect(after.links.every((link) => link.status === 'revoked')).toBe(true);
    expect((await pageData(newest.token)).status).toBe(404);
  });

  it('drops links expired or revoked long ago, and keeps the others', async () => {
    const longExpired = await share({ now: new Date(Date.now() - 40 * 24 * HOUR), body: { expiresInHours: 1 } });
    const live = await share({ body: { expiresInHours: 720 } });
    const exists = async (id: string) => (await db.shareLink.count({ where: { id } })) === 1;
    await removeDeadShareLinks({ db });
    expect(await exists(longExpired.id)).toBe(false);
    expect(await exists(live.id)).toBe(true);
    await removeDeadShareLinks({ db, now: new Date(Date.now() + 60 * 24 * HOUR) });
    expect(await db.shareLink.count()).toBe(0);
  });

  it("never shows the owner's id or the image's id in any public reply (bodies, headers)", () => {
    expect(publicReplies.length).toBeGreaterThan(40);
    const ids = [shared.image.userId, shared.image.id];
    for (const response of publicReplies) {
      const text = `${JSON.stringify(response.headers)}\n${response.body.toString('latin1')}`;
      for (const id of ids) expect(text).not.toContain(id);
    }
  });
});
