// Prisma CLI configuration (prisma 7). Loaded by every `prisma` command, so it also sets up the
// offline schema engine: the native binary cannot be downloaded here, and
// prisma/schema-engine/schema-engine.mjs speaks its protocol over the WebAssembly engine and `pg`.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'prisma/config';

const root = path.dirname(fileURLToPath(import.meta.url));

process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(root, 'prisma', 'schema-engine', 'schema-engine.mjs');
// No usage/update check: it would only try the network (closed here) from a background process.
process.env.CHECKPOINT_DISABLE ??= '1';

/**
 * The commands that talk to the configured database. Each fails early, with a message saying what
 * to set, when DATABASE_URL is missing. (`migrate diff --from-migrations … --to-schema …`, the
 * drift check, needs no server: without one the engine uses an embedded shadow database.)
 */
function commandNeedsDatabase(argv: readonly string[]): boolean {
  const at = argv.findIndex((arg) => ['migrate', 'db', 'studio', 'generate', 'validate', 'format'].includes(arg));
  const command = argv[at];
  const subcommand = at < 0 ? undefined : argv.slice(at + 1).find((arg) => !arg.startsWith('-'));
  if (command === 'migrate') {
    if (subcommand === 'diff') return argv.some((arg) => /^--(from|to)-config-datasource$/.test(arg));
    return subcommand !== undefined;
  }
  if (command === 'db') return subcommand !== undefined;
  return command === 'studio';
}

const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;
if (!databaseUrl && commandNeedsDatabase(process.argv.slice(2)) && !process.argv.includes('--help')) {
  throw new Error(
    'DATABASE_URL is not set. Point it at a PostgreSQL database, e.g.\n' +
      '  DATABASE_URL=postgresql://postgres@127.0.0.1:5432/detour npm run db:migrate\n' +
      '(`npm start` sets it itself for its embedded database.)',
  );
}

export default defineConfig({
  schema: path.join(root, 'prisma', 'schema.prisma'),
  migrations: { path: path.join(root, 'prisma', 'migrations') },
  datasource: {
    url: databaseUrl,
    shadowDatabaseUrl: process.env.SHADOW_DATABASE_URL?.trim() || undefined,
  },
});
