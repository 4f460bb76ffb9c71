/**
 * A stand-alone engine for the kill-and-restart test: registers the fixtures, serves the engine on a
 * free port and prints `READY <clientInput JSON>`. Configured by DURABLE_TEST_STORAGE,
 * DURABLE_TEST_TASK_HUB, DURABLE_TEST_EFFECTS_TABLE and DURABLE_TEST_MAX_ACTIVITIES (activities at once, default 4).
 */
import { getRegistrations, installFunctionsCore } from '../../functionsCore.js';

installFunctionsCore();
const { registerFixtures, useFixtureEffects } = await import('./fixtures.js');
const { createDurableEngine } = await import('../engine.js');
const { serveEngine } = await import('./harness.js');

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const connectionString = required('DURABLE_TEST_STORAGE');
await useFixtureEffects(connectionString, required('DURABLE_TEST_EFFECTS_TABLE'));
registerFixtures();
const { engine } = await serveEngine((baseUrl) =>
  createDurableEngine({
    registrations: getRegistrations(),
    storageConnectionString: connectionString,
    taskHub: required('DURABLE_TEST_TASK_HUB'),
    baseUrl,
    log: (line) => process.stderr.write(`${line}\n`),
    maxConcurrentActivityFunctions: Number(process.env.DURABLE_TEST_MAX_ACTIVITIES ?? 4),
    maxConcurrentOrchestratorFunctions: 4,
  }),
);
await engine.start();
process.stdout.write(`READY ${JSON.stringify(engine.clientInput())}\n`);
