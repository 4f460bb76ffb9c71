// Run by migrate-database.sh right after the migrations, as the PostgreSQL administrator: creates the
// application role once, sets its password to the one in Key Vault (so rotating it is a provision and a
// deploy), and grants it data access to the product's tables and nothing else: it cannot change the
// schema, create roles or read the migration history. Default privileges extend the grants to tables
// that later migrations create.
import pg from 'pg';

const { DATABASE_URL: adminUrl, POSTGRES_APP_LOGIN: login, POSTGRES_APP_PASSWORD: password } = process.env;
if (!adminUrl || !login || !password) {
  throw new Error('DATABASE_URL (administrator), POSTGRES_APP_LOGIN and POSTGRES_APP_PASSWORD must be set.');
}
// Role names and passwords cannot be bind parameters in CREATE/ALTER ROLE: accept only what needs no quoting.
if (!/^[a-z_][a-z0-9_]{0,62}$/.test(login)) throw new Error(`Unexpected role name ${JSON.stringify(login)}.`);
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
  await client.query(`GRANT CONNECT ON DATABASE "${rows[0].name}" TO ${login}`);
  await client.query(`GRANT USAGE ON SCHEMA public TO ${login}`);
  await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${login}`);
  await client.query(`GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO ${login}`);
  await client.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${login}`);
  await client.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO ${login}`);
  const history = await client.query(`SELECT to_regclass('public._prisma_migrations') AS oid`);
  if (history.rows[0].oid !== null) await client.query(`REVOKE ALL ON TABLE public._prisma_migrations FROM ${login}`);
  await client.query('COMMIT');
  console.log(`Role ${login} is ready.`);
} catch (error) {
  await client.query('ROLLBACK');
  throw error;
} finally {
  await client.end();
}
