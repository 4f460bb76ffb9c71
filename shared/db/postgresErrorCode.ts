import { Prisma } from './generated/client.js';

/**
 * The SQLSTATE of a PostgreSQL error that reached Prisma through the driver adapter (a raw query that
 * failed, e.g. `22023` for a time zone PostgreSQL does not know), or undefined for any other error.
 */
export function postgresErrorCode(error: unknown): string | undefined {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return undefined;
  const cause = (error.meta?.driverAdapterError as { cause?: { kind?: unknown; originalCode?: unknown } } | undefined)?.cause;
  return cause?.kind === 'postgres' && typeof cause.originalCode === 'string' ? cause.originalCode : undefined;
}
