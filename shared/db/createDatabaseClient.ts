import { PrismaPg } from '@prisma/adapter-pg';
import { Prisma, PrismaClient } from './generated/client.js';

/**
 * The database client the rest of the code is handed (never a global inside domain rules):
 * Prisma's Rust-free client over `@prisma/adapter-pg`.
 */
export type Database = PrismaClient;

/** The client inside an interactive transaction (`db.$transaction(async (tx) => …)`). */
export type DatabaseTransaction = Prisma.TransactionClient;

export interface DatabaseClientOptions {
  /**
   * Connections in the pool (DATABASE_POOL_SIZE). One Functions instance runs a handful of invocations
   * at once, and a scaled-out app multiplies this by its instance count against the server's connection
   * limit: keep it small. Default 5.
   */
  poolSize?: number;
  /**
   * How long to wait for a connection before the query fails, and before an interactive transaction
   * fails to start (Prisma's `maxWait`, 2 s by its own default: shorter than a query's wait, so that a
   * burst of transactions failed where the same burst of queries only queued). Default 10 s.
   */
  connectionTimeoutMs?: number;
  /** How long an idle connection stays open. Default 30 s (Functions instances idle a lot). */
  idleTimeoutMs?: number;
  /** Prisma's own log levels, e.g. `['warn', 'error']`. Default none. */
  log?: Prisma.LogLevel[];
}

export const DEFAULT_POOL_SIZE = 5;

/**
 * The PostgreSQL schema detour's tables live in: the `schema` parameter of the connection string
 * (Prisma's own, `?schema=detour` in production), `public` without one. The Prisma client qualifies its
 * queries with it; raw SQL names tables unqualified and finds them through the role's search_path, set
 * to the same schema (infra/scripts/grant-app-role.mjs), which PgBouncer's transaction pooling keeps.
 */
function databaseSchema(databaseUrl: string): string {
  return new URL(databaseUrl).searchParams.get('schema') || 'public';
}

export function createDatabaseClient(databaseUrl: string, options: DatabaseClientOptions = {}): Database {
  if (!databaseUrl) throw new Error('createDatabaseClient: a PostgreSQL connection string is required');
  const connectionTimeoutMs = options.connectionTimeoutMs ?? 10_000;
  const adapter = new PrismaPg(
    {
      connectionString: databaseUrl,
      max: options.poolSize ?? DEFAULT_POOL_SIZE,
      connectionTimeoutMillis: connectionTimeoutMs,
      idleTimeoutMillis: options.idleTimeoutMs ?? 30_000,
    },
    // Unnamed prepared statements only (no statementNameGenerator): they work through PgBouncer in
    // transaction mode, where a named statement would meet a server connection that never saw it.
    { schema: databaseSchema(databaseUrl) },
  );
  return new PrismaClient({ adapter, log: options.log ?? [], transactionOptions: { maxWait: connectionTimeoutMs } });
}
