import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageQuality, ImageStatus } from '../../shared/db/index.js';
import type { UsageHistory } from '../../shared/usage/usageHistorySchema.js';
import { seedUser } from '../support/seedUser.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

interface SeededRow {
  createdAt: Date;
  status: ImageStatus;
  quality: ImageQuality | null;
  processingTime: number | null;
  storageBytes: number;
  fileType: string;
  deleted: boolean;
}

type Bucket = 'day' | 'week' | 'month';

const TYPES = ['image/jpeg', 'image/png', 'image/webp'];
const QUALITIES: ImageQuality[] = ['excellent', 'good', 'good', 'fair'];
const STATUSES: ImageStatus[] = ['ready', 'ready', 'ready', 'ready', 'ready', 'failed', 'queued', 'processing', 'pending_upload'];

/** The weeks around Berlin's daylight-saving changes (29 March and 25 October 2026), seeded densely. */
const DENSE = [
  [Date.parse('2026-03-22T00:00:00Z'), Date.parse('2026-04-05T00:00:00Z')],
  [Date.parse('2026-10-18T00:00:00Z'), Date.parse('2026-11-01T00:00:00Z')],
];

/**
 * Images from February to the end of November 2026: one every 17 minutes around the daylight-saving
 * changes (so every local hour, midnight included, on both sides of them), one every 131 minutes
 * elsewhere; statuses, qualities, times, sizes and types vary with the row's number, a few are deleted.
 */
function rowsFor(seed: number): SeededRow[] {
  const rows: SeededRow[] = [];
  const end = Date.parse('2026-12-01T00:00:00Z');
  for (let at = Date.parse('2026-02-01T00:00:00Z') + seed * 60_000, n = seed; at < end; n++) {
    const status = STATUSES[n % STATUSES.length]!;
    const ready = status === 'ready';
    rows.push({
      createdAt: new Date(at),
      status,
      quality: ready ? QUALITIES[n % QUALITIES.length]! : null,
      processingTime: ready ? 300 + ((n * 7919) % 9000) : null,
      storageBytes: 1000 + ((n * 104_729) % 50_000),
      fileType: TYPES[(n * 31) % TYPES.length]!,
      deleted: n % 97 === 0,
    });
    at += (DENSE.some(([from, to]) => at >= from! && at < to!) ? 17 : 131) * 60_000;
  }
  return rows;
}

/** PostgreSQL's percentile_cont: linear interpolation between the two closest ranks. */
function percentile(values: number[], fraction: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = fraction * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return Math.round(sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below));
}

/** The live rows of each calendar date (`YYYY-MM-DD`) in a time zone. */
function rowsByDate(rows: SeededRow[], timeZone: string): Map<string, SeededRow[]> {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const byDate = new Map<string, SeededRow[]>();
  for (const row of rows.filter((row) => !row.deleted)) {
    const date = format.format(row.createdAt);
    byDate.set(date, [...(byDate.get(date) ?? []), row]);
  }
  return byDate;
}

/** Calendar arithmetic on dates (no time zone involved: a date is a day of the calendar). */
function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function bucketStart(date: string, bucket: Bucket): string {
  if (bucket === 'month') return `${date.slice(0, 7)}-01`;
  if (bucket === 'week') return addDays(date, -((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7));
  return date;
}

function nextBucket(start: string, bucket: Bucket): string {
  if (bucket === 'day') return addDays(start, 1);
  if (bucket === 'week') return addDays(start, 7);
  const [year, month] = start.split('-').map(Number) as [number, number];
  return month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
}

/** What the endpoint must answer, computed here from the seeded rows. */
function oracle(rows: SeededRow[], query: { from: string; to: string; bucket: Bucket; timeZone: string }): UsageHistory {
  const byDate = rowsByDate(rows, query.timeZone);
  const buckets: UsageHistory['buckets'] = [];
  for (let start = bucketStart(query.from, query.bucket); start <= query.to; start = nextBucket(start, query.bucket)) {
    const members: SeededRow[] = [];
    for (let date = start; date < nextBucket(start, query.bucket); date = addDays(date, 1)) {
      if (date >= query.from && date <= query.to) members.push(...(byDate.get(date) ?? []));
    }
    const ready = members.filter((row) => row.status === 'ready');
    const times = ready.map((row) => row.processingTime!);
    const byType: Record<string, number> = {};
    for (const row of members) byType[row.fileType] = (byType[row.fileType] ?? 0) + 1;
    buckets.push({
      start,
      uploads: members.length,
      ready: ready.length,
      failed: members.filter((row) => row.status === 'failed').length,
      bytesAdded: members.reduce((sum, row) => sum + row.storageBytes, 0),
      processingMs: { p50: percentile(times, 0.5), p95: percentile(times, 0.95) },
      quality: {
        excellent: ready.filter((row) => row.quality === 'excellent').length,
        good: ready.filter((row) => row.quality === 'good').length,
        fair: ready.filter((row) => row.quality === 'fair').length,
      },
      byType,
    });
  }
  return { buckets };
}

describe('GET /api/me/usage/history, through the HTTP API', () => {
  let app: TestApp;
  let token: string;
  const anns = rowsFor(0);

  const insert = (userId: string, rows: SeededRow[]) =>
    app.db.userImage.createMany({
      data: rows.map((row, n) => ({
        userId,
        originalName: `img${n}.jpg`,
        fileType: row.fileType,
        fileSize: BigInt(row.storageBytes),
        originalPath: `${userId}/img${n}`,
        status: row.status,
        quality: row.quality,
        processingTime: row.processingTime,
        storageBytes: BigInt(row.storageBytes),
        deletedAt: row.deleted ? new Date() : null,
        createdAt: row.createdAt,
      })),
    });

  beforeAll(async () => {
    app = await startTestApp();
    await seedUser(app.db, 'hist-ann');
    await seedUser(app.db, 'hist-ben');
    await insert('hist-ann', anns);
    // Ben's images fall in the same buckets; counting any of them would break every comparison.
    await insert('hist-ben', rowsFor(29));
    token = await app.tokenFor('hist-ann');
  });
  afterAll(() => app?.stop());

  const history = (query: Record<string, string>) =>
    app.api('GET', `/api/me/usage/history?${new URLSearchParams(query).toString()}`, { token });

  it.each([
    { bucket: 'day', timeZone: 'Europe/Berlin', from: '2026-03-26', to: '2026-04-01' },
    { bucket: 'day', timeZone: 'Europe/Berlin', from: '2026-10-22', to: '2026-10-28' },
    { bucket: 'day', timeZone: 'UTC', from: '2026-03-26', to: '2026-04-01' },
    { bucket: 'day', timeZone: 'America/New_York', from: '2026-01-20', to: '2026-03-15' },
    { bucket: 'week', timeZone: 'Europe/Berlin', from: '2026-03-04', to: '2026-11-05' },
    { bucket: 'week', timeZone: 'UTC', from: '2026-10-01', to: '2026-10-31' },
    { bucket: 'month', timeZone: 'Europe/Berlin', from: '2026-01-01', to: '2026-12-31' },
    { bucket: 'month', timeZone: 'Asia/Kolkata', from: '2026-03-15', to: '2026-11-14' },
  ] as const)('matches the oracle by $bucket in $timeZone from $from to $to', async (query) => {
    const response = await history(query);
    expect(response.status).toBe(200);
    const expected = oracle(anns, query);
    expect(expected.buckets.some((bucket) => bucket.uploads > 0)).toBe(true);
    expect(response.body).toEqual(expected);
  });

  it('puts each image in the Berlin day it was uploaded on, across both daylight-saving changes', async () => {
    const days = (await history({ from: '2026-03-28', to: '2026-03-30', timeZone: 'Europe/Berlin' })).body as UsageHistory;
    const autumn = (await history({ from: '2026-10-24', to: '2026-10-26', timeZone: 'Europe/Berlin' })).body as UsageHistory;
    const berlin = rowsByDate(anns, 'Europe/Berlin');
    const hoursOf = (date: string) => berlin.get(date)!.length;
    // 23 and 25 hours' worth of images (one every 17 minutes): a fixed offset or UTC days would count 24.
    expect(days.buckets.map((bucket) => bucket.uploads)).toEqual([hoursOf('2026-03-28'), hoursOf('2026-03-29'), hoursOf('2026-03-30')]);
    expect(autumn.buckets.map((bucket) => bucket.uploads)).toEqual([hoursOf('2026-10-24'), hoursOf('2026-10-25'), hoursOf('2026-10-26')]);
    expect(hoursOf('2026-03-29')).toBeLessThan(hoursOf('2026-03-28'));
    expect(hoursOf('2026-10-25')).toBeGreaterThan(hoursOf('2026-10-24'));
  });

  it('has empty buckets for a user without images, and another user’s images are never counted', async () => {
    const response = await app.api('GET', '/api/me/usage/history?from=2026-03-01&to=2026-03-03', { token: await app.tokenFor('hist-new') });
    expect(response.status).toBe(200);
    const empty = { uploads: 0, ready: 0, failed: 0, bytesAdded: 0, processingMs: { p50: null, p95: null } };
    expect(response.body).toEqual({
      buckets: ['2026-03-01', '2026-03-02', '2026-03-03'].map((start) => ({
        start,
        ...empty,
        quality: { excellent: 0, good: 0, fair: 0 },
        byType: {},
      })),
    });
  });

  it.each([
    ['no range', {}, ['from', 'to']],
    ['a date-time', { from: '2026-03-01T00:00:00Z', to: '2026-03-02' }, ['from']],
    ['to before from', { from: '2026-03-02', to: '2026-03-01' }, ['to']],
    ['367 days', { from: '2026-01-01', to: '2027-01-02' }, ['to']],
    ['an unknown bucket', { from: '2026-03-01', to: '2026-03-02', bucket: 'year' }, ['bucket']],
    ['an unknown time zone', { from: '2026-03-01', to: '2026-03-02', timeZone: 'Mars/Olympus' }, ['timeZone']],
    ['an offset for a time zone', { from: '2026-03-01', to: '2026-03-02', timeZone: '+01:00' }, ['timeZone']],
    ['an unknown parameter', { from: '2026-03-01', to: '2026-03-02', userId: 'hist-ben' }, ['']],
  ])('refuses %s with invalid_request', async (_name, query, fields) => {
    const response = await history(query);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_request');
    expect(response.body.error.details.map((detail: { field: string }) => detail.field)).toEqual(fields.map((field) => field || '(body)'));
  });

  it('takes a full year of days and needs a token', async () => {
    const year = await history({ from: '2026-01-01', to: '2026-12-31', timeZone: 'Europe/Berlin' });
    expect(year.status).toBe(200);
    expect(year.body.buckets).toHaveLength(365);
    expect((await app.api('GET', '/api/me/usage/history?from=2026-03-01&to=2026-03-02')).status).toBe(401);
  });
});
