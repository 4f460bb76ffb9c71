#!/usr/bin/env node
// A stand-in for Prisma's native schema-engine binary, which cannot be downloaded here.
//
// `prisma.config.ts` points PRISMA_SCHEMA_ENGINE_BINARY at this file, so the unchanged Prisma CLI
// starts it exactly as it would start the native binary:
//   - `--version`                                     → prints `schema-engine-cli <git hash>`
//   - `--datasource <json> cli can-connect-to-database|create-database|drop-database`
//                                                     → JSON log lines on stderr, exit 0/1
//   - otherwise a JSON-RPC 2.0 server on stdin/stdout (one message a line), the same protocol the
//     CLI speaks to the native engine (prisma/prisma's packages/migrate/src/SchemaEngineCLI.ts).
// Every RPC call is forwarded to the WebAssembly schema engine (`@prisma/schema-engine-wasm`,
// running the `schema_engine_bg.wasm` that ships with the `prisma` package) over a `pg` driver
// adapter (`@prisma/adapter-pg`, wrapped with `bindMigrationAwareSqlAdapterFactory`).
//
// What the adapter needs for migrations, and this file supplies (see prisma/README.md, "The schema engine here"):
//   1. PostgreSQL's internal "char" type (pg_constraint.contype …) is reported as character data;
//      adapter-pg rejects it and introspection would fail.
//   2. A migration script runs as ONE query (simple protocol: one implicit transaction, `$$` bodies
//      and comments intact), as the native engine does; adapter-pg would split it on `;`.
//   3. Temporary shadow databases are created and dropped here (pool closed before the drop).
//   4. A fresh engine instance per RPC call, primed with diagnoseMigrationHistory for the calls
//      that need the shadow database (createMigration, evaluateDataLoss).
//   5. A user-supplied shadowDatabaseUrl is emptied before use.
//   6. The url's `schema` parameter places the migrations and their history in that schema.
// With no datasource url at all, a `migrate diff` that needs a shadow database (e.g. the
// `db:check` drift check) gets an in-memory PGlite instead, so it needs no server.
//
// Pinned together (re-check on every Prisma upgrade): prisma 7.10.1, @prisma/adapter-pg 7.10.1,
// @prisma/driver-adapter-utils 7.10.1, @prisma/schema-engine-wasm 7.10.0-7.561d7b4….
// This is plain JavaScript on purpose: the CLI runs it before anything is built.

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

// ---------------------------------------------------------------------------------------------
// Arguments, as the CLI passes them (packages/migrate/src/SchemaEngineCLI.ts, internals'
// schemaEngineCommands.ts and getEngineVersion.ts).

function parseArgs(argv) {
  const args = { datamodels: [], datasource: {}, previewFeatures: [], cli: null, version: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = () => {
      const value = argv[++i];
      if (value === undefined) fail(`Missing value for ${arg}`);
      return value;
    };
    switch (arg) {
      case '-d':
      case '--datamodels':
        args.datamodels.push(next());
        break;
      case '--datasource':
        args.datasource = JSON.parse(next()) ?? {};
        break;
      case '--enabled-preview-features':
        args.previewFeatures = next().split(',').filter(Boolean);
        break;
      case '--extension-types':
        next(); // Prisma extensions' custom types: nothing uses them here.
        break;
      case '-V':
      case '--version':
        args.version = true;
        break;
      case '-h':
      case '--help':
        args.help = true;
        break;
      case 'cli':
        args.cli = argv[i + 1] ?? null;
        i = argv.length;
        break;
      default:
        fail(`Unknown argument: ${arg}`);
    }
  }
  return args;
}

// ---------------------------------------------------------------------------------------------
// Logging: one JSON object a line on stderr, shaped like the native engine's tracing output.

function log(level, message, fields = {}, target = 'schema_engine') {
  process.stderr.write(JSON.stringify({ timestamp: new Date().toISOString(), level, fields: { message, ...fields }, target }) + '\n');
}

function fail(message) {
  log('ERROR', message, { is_panic: false, error_code: '' }, 'schema_engine::logger');
  process.exit(1);
}

// ---------------------------------------------------------------------------------------------
// The WebAssembly engine.

function loadWasmEngine() {
  globalThis.PRISMA_WASM_PANIC_REGISTRY ??= {
    message: '',
    get() {
      return this.message;
    },
    set_message(value) {
      this.message = `RuntimeError: ${value}`;
    },
  };
  const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  // Prefer the engine the CLI itself was built with; the wasm package's own is the fallback.
  const candidates = [
    path.join(path.dirname(require.resolve('prisma/package.json')), 'build', 'schema_engine_bg.wasm'),
    path.join(path.dirname(gluePath), 'schema_engine_bg.wasm'),
  ];
  return import(gluePath).then((glue) => {
    let lastError;
    for (const file of candidates) {
      try {
        const module = new WebAssembly.Module(readFileSync(file));
        const instance = new WebAssembly.Instance(module, { './schema_engine_bg.js': glue });
        glue.__wbg_set_wasm(instance.exports);
        instance.exports.__wbindgen_start();
        return glue;
      } catch (error) {
        lastError = error;
      }
    }
    throw new Error(`Could not load the schema engine WebAssembly module: ${lastError?.message}`);
  });
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL helpers (plain `pg`).

let pgModule;
function pg() {
  pgModule ??= require('pg');
  return pgModule;
}

function withDatabase(url, database) {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

function databaseName(url) {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  return name || new URL(url).username || 'postgres';
}

function quoteIdent(name) {
  return `"${String(name).replaceAll('"', '""')}"`;
}

/** Runs `fn` with a client connected to the server's maintenance database (as the native engine does). */
async function withAdminClient(url, fn) {
  let lastError;
  for (const database of ['postgres', 'template1']) {
    const client = new (pg().Client)({ connectionString: withDatabase(url, database) });
    try {
      await client.connect();
    } catch (error) {
      lastError = error;
      await client.end().catch(() => {});
      if (error?.code === '3D000') continue;
      throw error;
    }
    try {
      return await fn(client);
    } finally {
      await client.end().catch(() => {});
    }
  }
  throw lastError;
}

async function dropDatabaseNamed(client, name) {
  const { rows } = await client.query('SHOW server_version_num');
  const force = Number(rows[0]?.server_version_num ?? 0) >= 130000 ? ' WITH (FORCE)' : '';
  await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}${force}`);
}

/** Empties a database that is reused as a shadow database: every non-system schema goes. */
async function emptyDatabase(url) {
  const client = new (pg().Client)({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT nspname FROM pg_namespace
        WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'`,
    );
    for (const { nspname } of rows) await client.query(`DROP SCHEMA ${quoteIdent(nspname)} CASCADE`);
    await client.query('CREATE SCHEMA IF NOT EXISTS "public"');
  } finally {
    await client.end().catch(() => {});
  }
}

/** Maps a connection failure to the user-facing error the native engine reports. */
function connectionError(error, url) {
  let host = '';
  let port = '';
  let database = '';
  try {
    const parsed = new URL(url);
    host = parsed.hostname;
    port = parsed.port || '5432';
    database = databaseName(url);
  } catch {
    // An unparsable url: the message below says so.
  }
  switch (error?.code) {
    case '3D000':
      return {
        error_code: 'P1003',
        message: `Database \`${database}\` does not exist on the database server at \`${host}:${port}\`.`,
      };
    case '28P01':
    case '28000':
      return {
        error_code: 'P1000',
        message: `Authentication failed against database server, the provided database credentials for \`${new URL(url).username}\` are not valid.\n\nPlease make sure to provide valid database credentials for the database server at the configured address.`,
      };
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EHOSTUNREACH':
    case 'ETIMEDOUT':
      return {
        error_code: 'P1001',
        message: `Can't reach database server at \`${host}:${port}\`\n\nPlease make sure your database server is running at \`${host}:${port}\`.`,
      };
    default:
      return { error_code: '', message: String(error?.message ?? error) };
  }
}

// ---------------------------------------------------------------------------------------------
// The driver adapter: adapter-pg with the fixes migrations need.

const CHAR_OID = 18; // PostgreSQL's internal one-byte "char" type.
const TEXT_OID = 25;

let adapterModules;
function adapterLib() {
  if (!adapterModules) {
    const { PrismaPg } = require('@prisma/adapter-pg');
    const utils = require('@prisma/driver-adapter-utils');
    adapterModules = { PrismaPg, ...utils };
  }
  return adapterModules;
}

/** Patches one adapter-pg queryable (connection or transaction) in place. */
function patchQueryable(queryable) {
  const { ColumnTypeEnum } = adapterLib();
  if (typeof queryable.performIO !== 'function' || typeof queryable.queryRaw !== 'function') {
    throw new Error(
      'prisma/schema-engine: @prisma/adapter-pg no longer has the internals this engine wraps (performIO); re-check it after the upgrade.',
    );
  }
  const originalQueryRaw = queryable.queryRaw;
  queryable.queryRaw = async function queryRaw(query) {
    const charColumns = [];
    // A per-call view of the queryable whose performIO reports "char" columns as text, so that
    // adapter-pg's type mapping accepts them; they are flagged as character data afterwards.
    const view = Object.create(queryable, {
      performIO: {
        value: async (q) => {
          const result = await queryable.performIO(q);
          if (!result.fields.some((field) => field.dataTypeID === CHAR_OID)) return result;
          const fields = result.fields.map((field, index) => {
            if (field.dataTypeID !== CHAR_OID) return field;
            charColumns.push(index);
            return { ...field, dataTypeID: TEXT_OID };
          });
          return { ...result, fields };
        },
      },
    });
    const output = await originalQueryRaw.call(view, query);
    for (const index of charColumns) output.columnTypes[index] = ColumnTypeEnum.Character;
    return output;
  };
  return queryable;
}

function patchAdapter(adapter) {
  patchQueryable(adapter);
  const originalStartTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (...args) => patchQueryable(await originalStartTransaction(...args));
  // One query for the whole script, as the native engine runs a migration.
  adapter.executeScript = async (script) => {
    try {
      await adapter.client.query(script);
    } catch (error) {
      adapter.onError(error);
    }
  };
  return adapter;
}

/**
 * A migration-aware adapter factory over adapter-pg. Every pool and temporary database it makes is
 * tracked, so that `cleanup()` can close and drop them after each RPC call whatever the engine did.
 */
class MigrationAdapterFactory {
  provider = 'postgres';
  adapterName = '@prisma/adapter-pg';

  constructor({ url, shadowDatabaseUrl, embedded }) {
    this.url = url;
    this.shadowDatabaseUrl = shadowDatabaseUrl;
    this.embedded = embedded; // () => Promise<url> of an emptied embedded database, when no url is set
    this.adapters = [];
    this.temporaryDatabases = [];
  }

  async open(connectionString) {
    const { PrismaPg } = adapterLib();
    // The url's `schema` (Prisma's own parameter) is where the migrations and their history go, as with
    // the native engine: the engine is told it, and the session's search_path starts with it, so the
    // migration scripts' unqualified names land there. public follows, for extensions kept there.
    const schema = new URL(connectionString).searchParams.get('schema') || undefined;
    const searchPath = schema ? { options: `-c search_path=${quoteIdent(schema)},public` } : {};
    // One connection, like the native engine: the advisory lock and everything after it share it.
    const factory = new PrismaPg({ connectionString, max: 1, ...searchPath }, { schema });
    const adapter = patchAdapter(await factory.connect());
    const dispose = adapter.dispose.bind(adapter);
    let disposed = false;
    adapter.dispose = async () => {
      if (disposed) return;
      disposed = true;
      await dispose();
    };
    this.adapters.push(adapter);
    return adapter;
  }

  async connect() {
    if (this.url) return this.open(this.url);
    if (this.embedded) return this.open(await this.embedded());
    throw new Error(missingUrlMessage());
  }

  async connectToShadowDb() {
    if (this.shadowDatabaseUrl) {
      await emptyDatabase(this.shadowDatabaseUrl);
      return this.open(this.shadowDatabaseUrl);
    }
    if (!this.url) {
      if (this.embedded) return this.open(await this.embedded());
      throw new Error(missingUrlMessage());
    }
    const name = `prisma_migrate_shadow_db_${randomUUID()}`;
    await withAdminClient(this.url, (client) => client.query(`CREATE DATABASE ${quoteIdent(name)}`));
    this.temporaryDatabases.push(name);
    const adapter = await this.open(withDatabase(this.url, name));
    const dispose = adapter.dispose;
    adapter.dispose = async () => {
      await dispose();
      await this.dropTemporary(name);
    };
    return adapter;
  }

  async dropTemporary(name) {
    if (!this.temporaryDatabases.includes(name)) return;
    this.temporaryDatabases = this.temporaryDatabases.filter((n) => n !== name);
    await withAdminClient(this.url, (client) => dropDatabaseNamed(client, name));
  }

  async cleanup() {
    const adapters = this.adapters.splice(0);
    await Promise.allSettled(adapters.map((adapter) => adapter.dispose()));
    for (const name of [...this.temporaryDatabases]) {
      await this.dropTemporary(name).catch((error) =>
        log('WARN', `Could not drop the temporary shadow database ${name}: ${error.message}`),
      );
    }
  }
}

function missingUrlMessage() {
  return 'No database url: set DATABASE_URL (read by prisma.config.ts), e.g. ' + 'DATABASE_URL=postgresql://postgres@127.0.0.1:5432/detour';
}

// ---------------------------------------------------------------------------------------------
// An embedded shadow database (PGlite over TCP) for when no server is configured at all.

let embeddedShadow;
async function embeddedShadowUrl() {
  embeddedShadow ??= (async () => {
    const { PGlite } = await import('@electric-sql/pglite');
    const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
    const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
    const db = await PGlite.create({ extensions: { pg_trgm } });
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 4 });
    await server.start();
    const port = Number(server.getServerConn().split(':').pop()); // the port it picked
    return { db, server, url: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable` };
  })();
  const shadow = await embeddedShadow;
  await emptyDatabase(shadow.url);
  return shadow.url;
}

async function stopEmbeddedShadow() {
  if (!embeddedShadow) return;
  const { server, db } = await embeddedShadow;
  embeddedShadow = undefined;
  await server.stop().catch(() => {});
  await db.close().catch(() => {});
}

// ---------------------------------------------------------------------------------------------
// `schema-engine cli …`

async function runCli(command, datasource) {
  log('INFO', 'Starting schema engine CLI', { git_hash: 'wasm' });
  const url = datasource.url;
  if (!url) fail(missingUrlMessage());
  try {
    switch (command) {
      case 'can-connect-to-database': {
        const client = new (pg().Client)({ connectionString: url });
        try {
          await client.connect();
          await client.query('SELECT 1');
        } finally {
          await client.end().catch(() => {});
        }
        log('INFO', 'Connection successful');
        break;
      }
      case 'create-database': {
        const name = databaseName(url);
        await withAdminClient(url, (client) => client.query(`CREATE DATABASE ${quoteIdent(name)}`));
        log('INFO', `Database '${name}' was successfully created.`);
        break;
      }
      case 'drop-database': {
        await withAdminClient(url, (client) => dropDatabaseNamed(client, databaseName(url)));
        log('INFO', 'The database was successfully dropped.');
        break;
      }
      default:
        fail(`Unknown cli command: ${command}`);
    }
  } catch (error) {
    const { error_code, message } = connectionError(error, url);
    log('ERROR', message, { is_panic: false, error_code }, 'schema_engine::logger');
    process.exit(1);
  }
}

// ---------------------------------------------------------------------------------------------
// The JSON-RPC server.

class RpcError extends Error {
  constructor(data) {
    super(data.message);
    this.data = data;
  }
}

function toRpcError(error) {
  if (error instanceof RpcError) return error;
  if (error?.name === 'RuntimeError') {
    const message = globalThis.PRISMA_WASM_PANIC_REGISTRY?.get() || error.message;
    return new RpcError({ is_panic: true, message, backtrace: error.stack ?? '' });
  }
  if (error?.name === 'SchemaConnectorError' || error?.code !== undefined) {
    return new RpcError({
      is_panic: false,
      message: error.message,
      meta: error.meta ?? {},
      error_code: typeof error.code === 'string' ? error.code : undefined,
    });
  }
  // A connection failure surfaces from pg before the engine sees it.
  if (error?.code || error?.errno) {
    const { error_code, message } = connectionError(error, '');
    return new RpcError({ is_panic: false, message, error_code: error_code || undefined });
  }
  return new RpcError({ is_panic: false, message: String(error?.message ?? error) });
}

async function serveRpc(args) {
  const glue = await loadWasmEngine();
  const datamodels = args.datamodels.map((file) => [file, readFileSync(file, 'utf8')]);
  const { url, shadowDatabaseUrl } = args.datasource;

  log('INFO', 'Starting schema engine RPC server', { git_hash: glue.version() });

  let nextOwnId = 1;
  const pending = new Map(); // our requests to the CLI (print), by id
  const send = (message) => process.stdout.write(JSON.stringify(message) + '\n');
  const print = (content) =>
    new Promise((resolve) => {
      const id = `engine-${nextOwnId++}`;
      pending.set(id, resolve);
      send({ jsonrpc: '2.0', id, method: 'print', params: { content } });
    });

  /** Runs one engine method on a fresh engine instance, then frees it and its connections. */
  async function withEngine(fn, { needsDatabase = true } = {}) {
    if (!url && needsDatabase) throw new RpcError({ is_panic: false, message: missingUrlMessage() });
    // Without a url, an engine that only diffs schemas and migrations runs over an embedded
    // database (its main connection is then used for nothing that matters).
    const factory = new MigrationAdapterFactory({
      url,
      shadowDatabaseUrl,
      embedded: url ? undefined : embeddedShadowUrl,
    });
    const bound = adapterLib().bindMigrationAwareSqlAdapterFactory(factory);
    let engine;
    try {
      engine = await glue.SchemaEngine.new(
        { datamodels: datamodels.length > 0 ? datamodels : undefined },
        (line) => forwardEngineLog(line),
        bound,
      );
      return await fn(engine);
    } catch (error) {
      throw withExternalCause(error, bound.errorRegistry);
    } finally {
      try {
        engine?.free();
      } catch {
        // Freed already after a panic.
      }
      await factory.cleanup();
    }
  }

  const handlers = {
    async createDatabase(params) {
      const target = params?.datasource?.tag === 'ConnectionString' ? params.datasource.url : url;
      if (!target) throw new RpcError({ is_panic: false, message: missingUrlMessage() });
      const name = databaseName(target);
      await withAdminClient(target, (client) => client.query(`CREATE DATABASE ${quoteIdent(name)}`));
      return { databaseName: name };
    },
    async dropDatabase(params) {
      const target = typeof params === 'string' ? params : (params?.url ?? url);
      await withAdminClient(target, (client) => dropDatabaseNamed(client, databaseName(target)));
      return {};
    },
    getDatabaseVersion: () => withEngine((engine) => engine.version()),
    debugPanic: () => withEngine((engine) => engine.debugPanic()),
    createMigration: (params) =>
      withEngine(async (engine) => {
        await primeShadow(engine, params);
        return engine.createMigration(params);
      }),
    evaluateDataLoss: (params) =>
      withEngine(async (engine) => {
        await primeShadow(engine, params);
        return engine.evaluateDataLoss(params);
      }),
    diff: (params) =>
      withEngine(
        async (engine) => {
          const { stdout, ...rest } = await engine.diff(params);
          if (stdout) await print(stdout.endsWith('\n') ? stdout.slice(0, -1) : stdout);
          return rest;
        },
        { needsDatabase: diffNeedsDatabase(params) },
      ),
  };

  for (const method of [
    'applyMigrations',
    'dbExecute',
    'devDiagnostic',
    'diagnoseMigrationHistory',
    'ensureConnectionValidity',
    'introspect',
    'introspectSql',
    'markMigrationApplied',
    'markMigrationRolledBack',
    'reset',
    'schemaPush',
  ]) {
    handlers[method] = (params) => withEngine((engine) => engine[method](params));
  }

  // Requests are handled one at a time, in order, as the native engine does.
  let queue = Promise.resolve();
  const input = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  input.on('line', (line) => {
    if (!line.trim()) return;
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      send({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
      return;
    }
    if (message.method === undefined) {
      // A response to one of our own requests (print).
      pending.get(message.id)?.(message.result);
      pending.delete(message.id);
      return;
    }
    queue = queue.then(async () => {
      const handler = handlers[message.method];
      try {
        if (!handler) {
          send({ jsonrpc: '2.0', id: message.id, error: { code: -32601, message: 'Method not found' } });
          return;
        }
        const result = await handler(message.params ?? {});
        send({ jsonrpc: '2.0', id: message.id, result: result === undefined ? null : result });
      } catch (error) {
        const rpcError = toRpcError(error);
        if (rpcError.data.is_panic) log('ERROR', rpcError.data.message, { is_panic: true, backtrace: rpcError.data.backtrace });
        send({
          jsonrpc: '2.0',
          id: message.id,
          error: { code: 4466, message: 'An error happened. Check the data field for details.', data: rpcError.data },
        });
      }
    });
  });
  await new Promise((resolve) => input.once('close', resolve));
  await queue;
  await stopEmbeddedShadow();
}

/**
 * A JavaScript error thrown inside the adapter reaches the engine as "External error id#N"; the
 * error itself stays in the factory's registry. Put its message back into what the user sees.
 */
function withExternalCause(error, registry) {
  const match = /External error id#(\d+)/.exec(String(error?.message ?? ''));
  const cause = match ? registry?.consumeError?.(Number(match[1]))?.error : undefined;
  if (cause?.message && typeof error === 'object') {
    try {
      error.message = error.message.replace(match[0], `${match[0]}: ${cause.message}`);
    } catch {
      // A frozen error: leave it as it is.
    }
  }
  return error;
}

function forwardEngineLog(line) {
  for (const part of String(line).split('\n')) {
    if (!part.trim()) continue;
    try {
      const parsed = JSON.parse(part);
      process.stderr.write(JSON.stringify({ timestamp: new Date().toISOString(), ...parsed }) + '\n');
    } catch {
      log('INFO', part);
    }
  }
}

/**
 * The wasm engine only reaches the shadow database through its adapter factory once a
 * diagnoseMigrationHistory with opt-in ran on the same instance; createMigration and
 * evaluateDataLoss then use what it built.
 */
async function primeShadow(engine, params) {
  await engine.diagnoseMigrationHistory({
    migrationsList: params.migrationsList,
    optInToShadowDatabase: true,
    filters: params.filters ?? { externalTables: [], externalEnums: [] },
  });
}

function diffNeedsDatabase(params) {
  const live = (target) => target?.tag === 'url' || target?.tag === 'schemaDatasource';
  return live(params?.from) || live(params?.to);
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.version) {
    const glue = await loadWasmEngine();
    process.stdout.write(`schema-engine-cli ${glue.version()}\n`);
    return;
  }
  if (args.help) {
    process.stdout.write(`${path.basename(fileURLToPath(import.meta.url))}: Prisma schema engine over WebAssembly and a pg adapter.\n`);
    return;
  }
  if (args.cli) {
    await runCli(args.cli, args.datasource);
    return;
  }
  await serveRpc(args);
}

main().then(
  () => process.exit(0),
  (error) => {
    log('ERROR', String(error?.stack ?? error), { is_panic: true, error_code: '' }, 'schema_engine::logger');
    process.exit(101);
  },
);
