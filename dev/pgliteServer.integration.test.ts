import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servePGlite, type PGliteServer } from './pgliteServer.js';

describe('servePGlite: one PGlite session shared by many connections', () => {
  let db: PGlite;
  let server: PGliteServer;
  const errors: unknown[] = [];
  const poolOf = (max: number) => new pg.Pool({ connectionString: `postgresql://postgres@127.0.0.1:${server.port}/postgres`, max });

  beforeAll(async () => {
    db = await PGlite.create();
    server = await servePGlite(db, { maxConnections: 12, onError: (error) => errors.push(error) });
    await db.exec('CREATE TABLE counter (id int PRIMARY KEY, value int NOT NULL); INSERT INTO counter VALUES (1, 0);');
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it('keeps each connection’s batches and transactions whole while a pool sends them at once', async () => {
    const pool = poolOf(8);
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    try {
      // Statements of different shapes, started a little apart: an interleaved Bind would meet another
      // connection's Parse (pglite-socket 0.2.17 fails about a third of these).
      const queries = Array.from({ length: 300 }, async (_, n) => {
        await pause(n % 50);
        const values = Array.from({ length: 1 + (n % 6) }, (_, i) => n * 10 + i);
        const sql = `SELECT ${values.map((_, i) => `$${i + 1}::int AS c${i}`).join(', ')}`;
        const { rows } = await pool.query({ text: sql, values, rowMode: 'array' });
        expect(rows).toEqual([values]);
      });
      // Read-modify-write under FOR UPDATE, with a pause inside: no update may be lost.
      const increments = Array.from({ length: 30 }, async (_, n) => {
        await pause(n);
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const { rows } = await client.query<{ value: number }>('SELECT value FROM counter WHERE id = $1 FOR UPDATE', [1]);
          await pause(2);
          await client.query('UPDATE counter SET value = $1 WHERE id = $2', [rows[0]!.value + 1, 1]);
          await client.query('COMMIT');
        } finally {
          client.release();
        }
      });
      await Promise.all([...queries, ...increments]);
      expect((await pool.query('SELECT value FROM counter WHERE id = 1')).rows[0].value).toBe(30);
    } finally {
      await pool.end();
    }
    expect(errors).toEqual([]);
  });

  it('rolls back what a connection leaves open when it goes, and serves the others on', async () => {
    const quitter = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:${server.port}/postgres` });
    quitter.on('error', () => {}); // the abrupt end below is the point
    await quitter.connect();
    await quitter.query('BEGIN');
    await quitter.query('UPDATE counter SET value = -1 WHERE id = 1');
    const other = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:${server.port}/postgres` });
    await other.connect();
    const waiting = other.query('SELECT value FROM counter WHERE id = 1');
    (quitter as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    expect((await waiting).rows[0].value).toBe(30);
    await other.end();
  });

  it('refuses connections past maxConnections with SQLSTATE 53300', async () => {
    const pool = poolOf(12);
    const held = await Promise.all(Array.from({ length: 12 }, () => pool.connect()));
    const extra = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:${server.port}/postgres` });
    await expect(extra.connect()).rejects.toMatchObject({ code: '53300' });
    for (const client of held) client.release();
    await pool.end();
  });
});
