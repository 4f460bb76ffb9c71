// Run by migrate-database.sh right after the migrations, as the PostgreSQL administrator: creates the
// application role once, sets its password to the one in Key Vault (so rotating it is a provision and a
// deploy), and grants it data access to detour's tables and nothing else: it cannot change the schema,
// create roles, read the migration history or touch any other schema of the database (the product's
// app may own tables there). Default privileges extend the grants to tables that later migrations create.
//
// detour's schema is the `schema` parameter of DATABASE_URL (as for Prisma). The role's search_path is
// set to it, so detour's raw SQL finds its tables unqualified, also through PgBouncer's transaction
// pooling, which cannot carry a per-session SET.
import pg from 'pg';

const { DATABASE_URL: adminUrl, POSTGRES_APP_LOGIN: login, POSTGRES_APP_PASSWORD: password } = process.env;
if (!adminUrl || !login || !password) {
  throw new Error('DATABASE_URL (administrator), POSTGRES_APP_LOGIN and POSTGRES_APP_PASSWORD must be set.');
}
const schema = new URL(adminUrl).searchParams.get('schema') ?? 'public';
// Names and passwords cannot be bind parameters in CREATE/ALTER ROLE or GRANT: accept only what needs no quoting.
const identifier = /^[a-z_][a-z0-9_]{0,62}$/;
if (!identifier.test(login)) throw new Error(`Unexpected role name ${JSON.stringify(login)}.`);
if (!identifier.test(schema)) throw new Error(`Unexpected schema name ${JSON.stringify(schema)}.`);
if (!/^[A-Za-z0-9]{16,}$/.test(password)) throw new Error('The application password must be 16 or more letters and digits.');

const client = new pg.Client({ connectionString: adminUrl });
await client.connect();
try {
  await client.query('BEGIN');
  const existing = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [login]);
  // A new role is NOSUPERUSER NOCREATEDB NOCREATEROLE by default (and the administrator, not being a
  // superuser on Azure, could not say so explicitly).
  if (existing.rowCount === 0) await client.query(`CREATE ROLE ${login} LOGIN`);
  await client.query(`ALTER ROLE ${login} WITH LOGIN PASSWORD '${password}'`);

  const { rows } = await client.query('SELECT current_database() AS name');
  const database = rows[0].name;
  await client.query(`GRANT CONNECT ON DATABASE "${database}" TO ${login}`);
  await client.query(`ALTER ROLE ${login} IN DATABASE "${database}" SET search_path TO "${schema}"`);
  await client.query(`GRANT USAGE ON SCHEMA "${schema}" TO ${login}`);
  await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "${schema}" TO ${login}`);
  await client.query(`GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA "${schema}" TO ${login}`);
  await client.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA "${schema}" GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${login}`);
  await client.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA "${schema}" GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO ${login}`);
  const history = await client.query('SELECT to_regclass($1) AS oid', [`"${schema}"._prisma_migrations`]);
  if (history.rows[0].oid !== null) await client.query(`REVOKE ALL ON TABLE "${schema}"._prisma_migrations FROM ${login}`);
  await client.query('COMMIT');
  console.log(`Role ${login} is ready, on schema ${schema}.`);
} catch (error) {
  await client.query('ROLLBACK');
  throw error;
} finally {
  await client.end();
}
