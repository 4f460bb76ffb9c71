import os from 'node:os';
import sharp from 'sharp';
import { startRemoverServer } from './server.js';

/**
 * `node dist/remover/main.js` (or `npm run remover` after `npm run build`): the local background-removal
 * service on `PORT` (default 7072) and `HOST` (default 127.0.0.1). Point `REMOVER_URL` at
 * `http://127.0.0.1:7072/remove-background`. Stops on SIGINT / SIGTERM once in-flight requests end.
 */

function integerFromEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    console.error(`${name} must be an integer from ${min} to ${max}; got "${raw}".`);
    process.exit(2);
  }
  return value;
}

const port = integerFromEnv('PORT', 7072, 0, 65_535);
const host = process.env.HOST?.trim() || '127.0.0.1';
// libvips threads per image; sharp's own default is 1 on glibc without jemalloc.
sharp.concurrency(integerFromEnv('SHARP_CONCURRENCY', Math.min(4, os.availableParallelism()), 1, 64));

const server = await startRemoverServer({
  port,
  host,
  maxConcurrent: integerFromEnv('REMOVER_MAX_CONCURRENT', 2, 1, 64),
  log: (entry) => console.log(JSON.stringify({ time: new Date().toISOString(), ...entry })),
});
console.log(`detour remover listening on ${server.url} (POST ${server.url}/remove-background, GET ${server.url}/health)`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1); // a second signal: stop now
    stopping = true;
    console.log(`${signal}: stopping the remover`);
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
