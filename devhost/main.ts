import { parseArgs } from 'node:util';
import { startHost } from './host.js';

/**
 * The devhost on its own: `node dist/devhost/main.js [--app <folder>] [--port <n>] [--poll-interval <ms>] [--host-id <id>]`.
 * App settings come from the environment and the app's local.settings.json; the port from --port, PORT or 7071.
 */

const { values } = parseArgs({
  options: {
    app: { type: 'string', default: process.cwd() },
    port: { type: 'string' },
    'poll-interval': { type: 'string' },
    'host-id': { type: 'string' },
  },
});

const port = values.port ?? process.env.PORT;
const host = await startHost({
  appRoot: values.app,
  port: port === undefined ? undefined : Number(port),
  pollIntervalMs: values['poll-interval'] === undefined ? undefined : Number(values['poll-interval']),
  hostId: values['host-id'],
});
console.log(`Host listening on ${host.url}`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    host.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
