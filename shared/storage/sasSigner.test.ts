import { describe, expect, it } from 'vitest';
import { MAX_READ_LINK_WINDOW_MS, readLinkWindow } from './sasSigner.js';

const HOUR = 60 * 60_000;
const at = (iso: string) => new Date(iso);

describe('readLinkWindow', () => {
  it('gives every instant of a 15-minute window the same start and expiry', () => {
    const first = readLinkWindow(at('2026-11-30T10:15:00.000Z'), HOUR);
    const last = readLinkWindow(at('2026-11-30T10:29:59.999Z'), HOUR);
    expect(first).toEqual(last);
    expect(first).toEqual({ windowStart: at('2026-11-30T10:15:00.000Z'), expiresOn: at('2026-11-30T11:30:00.000Z') });
  });

  it('starts a new window at the edge', () => {
    expect(readLinkWindow(at('2026-11-30T10:30:00.000Z'), HOUR)).toEqual({
      windowStart: at('2026-11-30T10:30:00.000Z'),
      expiresOn: at('2026-11-30T11:45:00.000Z'),
    });
  });

  it('keeps a link signed 1 s (or 1 ms) before a window ends alive for at least the promised time', () => {
    for (const now of [at('2026-11-30T10:29:59.000Z'), at('2026-11-30T10:29:59.999Z')]) {
      const { expiresOn } = readLinkWindow(now, HOUR);
      expect(expiresOn.getTime() - now.getTime()).toBeGreaterThanOrEqual(HOUR);
    }
  });

  it('never gives more than 1.25 times the promised life, for any TTL the settings allow', () => {
    for (const minutes of [1, 5, 15, 59, 60]) {
      const ttl = minutes * 60_000;
      for (let offset = 0; offset < 2 * MAX_READ_LINK_WINDOW_MS; offset += 7_919) {
        const now = new Date(Date.UTC(2026, 10, 30, 10) + offset);
        const { windowStart, expiresOn } = readLinkWindow(now, ttl);
        const life = expiresOn.getTime() - now.getTime();
        expect(windowStart.getTime()).toBeLessThanOrEqual(now.getTime());
        expect(life).toBeGreaterThanOrEqual(ttl);
        expect(life).toBeLessThanOrEqual(ttl * 1.25);
      }
    }
  });

  it('uses windows of a quarter of a short TTL: a 5-minute download link lives 5 to 6¼ minutes', () => {
    expect(readLinkWindow(at('2026-11-30T10:01:14.000Z'), 5 * 60_000)).toEqual({
      windowStart: at('2026-11-30T10:00:00.000Z'),
      expiresOn: at('2026-11-30T10:06:15.000Z'),
    });
  });
});
