import { DEFAULT_POOL_SIZE } from '../../shared/db/index.js';
import { get, literal, namesIn, textOf, unwrap, type BicepFile, type Node, type ResourceDeclaration } from './bicepReader.js';
import { appSettings, moduleOf, parsed, type Sources } from './templates.js';

/**
 * What the Azure platform needs of the templates beyond valid resource bodies: one origin for the page and
 * the API (Flex Consumption has no CORS), one PostgreSQL server operation at a time, a connection budget
 * that holds at full scale-out, and resource providers registered before `azd up`.
 */

/** The page and the API share Front Door's origin; no browser call depends on platform CORS. */
export function checkOneOrigin(sources: Sources): string[] {
  const problems: string[] = [];
  const api = parsed(sources, 'infra/app/api.bicep');
  const site = api.resources.find((resource) => resource.type === 'Microsoft.Web/sites' && !resource.existing);
  if (get(site?.value, 'properties.siteConfig.cors'))
    problems.push('the Function App configures CORS, which Flex Consumption does not support');

  const frontDoor = parsed(sources, 'infra/app/front-door.bicep');
  const originFor = (pattern: string): string | undefined => {
    const route = frontDoor.resources.find((resource) => {
      const patterns = get(resource.value, 'properties.patternsToMatch');
      return (
        resource.type.endsWith('/routes') &&
        patterns?.kind === 'array' &&
        patterns.items.some((item) => literal(frontDoor, item) === pattern)
      );
    });
    const group = /^(\w+)\.id$/.exec(textOf(get(route?.value, 'properties.originGroup.id')) ?? '')?.[1];
    const origin = frontDoor.resources.find(
      (resource) => resource.type.endsWith('/origins') && textOf(get(resource.value, 'parent')) === group,
    );
    return textOf(get(origin?.value, 'properties.hostName'));
  };
  const main = parsed(sources, 'infra/main.bicep');
  const frontDoorModule = moduleOf(main, 'app/front-door.bicep');
  const passed = (param: string | undefined) => (param ? textOf(get(frontDoorModule?.value, `params.${param}`)) : undefined);
  if (passed(originFor('/api/*')) !== 'api.outputs.defaultHostName') problems.push('Front Door does not send /api/* to the Function App');
  if (passed(originFor('/*')) !== 'web.outputs.defaultHostName')
    problems.push('Front Door does not send the page (/*) to the Static Web App');
  if (frontDoorModule && unwrap(frontDoorModule.value) !== frontDoorModule.value)
    problems.push('Front Door is optional, so the page may be left cross-origin');

  // The browser's origin is Front Door's (or a custom domain on it): share links and blob CORS say so.
  const { settings } = appSettings(sources);
  if (
    textOf(settings.get('PUBLIC_BASE_URL')) !== 'publicOrigin' ||
    !textOf(main.vars.get('publicOrigin'))?.includes('frontDoor.outputs.origin')
  ) {
    problems.push('PUBLIC_BASE_URL is not the Front Door origin');
  }
  const corsOrigins = textOf(get(moduleOf(main, 'app/data-storage.bicep')?.value, 'params.corsOrigins')) ?? '';
  if (!corsOrigins.includes('[frontDoor.outputs.origin]'))
    problems.push('the data account does not admit the Front Door origin (direct uploads)');
  return problems;
}

/**
 * The PostgreSQL server runs one operation at a time (a configuration change, a database, a private
 * endpoint); two started together fail with ServerBusy. Every pair must be ordered by a dependency.
 */
export function checkServerOperationsAreSerial(sources: Sources): string[] {
  const database = parsed(sources, 'infra/app/database.bicep');
  const server = database.resources.find((resource) => resource.type === 'Microsoft.DBforPostgreSQL/flexibleServers' && !resource.existing);
  if (!server) return ['database.bicep declares no PostgreSQL server'];
  const dependsOn = new Map(database.resources.map((resource) => [resource.symbol, directDependencies(database, resource)]));
  const operations = database.resources.filter(
    (resource) =>
      resource !== server && !resource.existing && dependsOn.get(resource.symbol)!.has(server.symbol) && touchesServer(resource, server),
  );
  const reaches = (from: string, to: string, seen = new Set<string>()): boolean => {
    if (seen.has(from)) return false;
    seen.add(from);
    const direct = dependsOn.get(from) ?? new Set();
    return direct.has(to) || [...direct].some((next) => reaches(next, to, seen));
  };
  const problems: string[] = [];
  for (const [index, first] of operations.entries()) {
    for (const second of operations.slice(index + 1)) {
      if (!reaches(first.symbol, second.symbol) && !reaches(second.symbol, first.symbol)) {
        problems.push(`${first.symbol} and ${second.symbol} may run at the same time on the PostgreSQL server`);
      }
    }
  }
  return problems;
}

/** Children of the server, and resources that point at it (its private endpoint). */
function touchesServer(resource: ResourceDeclaration, server: ResourceDeclaration): boolean {
  return resource.type.startsWith(`${server.type}/`) || namesIn(get(resource.value, 'properties') ?? resource.value).has(server.symbol);
}

/** Symbols of the same file a resource waits for: its parent, its dependsOn, and what its body references. */
function directDependencies(file: BicepFile, resource: ResourceDeclaration): Set<string> {
  const symbols = new Set(file.resources.map((other) => other.symbol));
  return new Set([...namesIn(resource.value)].filter((name) => symbols.has(name) && name !== resource.symbol));
}

/**
 * Maximum connections of Azure Database for PostgreSQL flexible server per compute size, and those left
 * to users (15 are reserved): learn.microsoft.com/azure/postgresql/flexible-server/concepts-limits.
 */
const POSTGRES_CONNECTION_LIMITS: Readonly<Record<string, { max: number; user: number; pgBouncer: boolean }>> = {
  Standard_B1ms: { max: 50, user: 35, pgBouncer: false },
  Standard_B2s: { max: 429, user: 414, pgBouncer: false },
  Standard_D2ds_v5: { max: 859, user: 844, pgBouncer: true },
  Standard_D4ds_v5: { max: 1718, user: 1703, pgBouncer: true },
  Standard_D8ds_v5: { max: 3437, user: 3422, pgBouncer: true },
  Standard_E2ds_v5: { max: 1718, user: 1703, pgBouncer: true },
  Standard_E4ds_v5: { max: 3437, user: 3422, pgBouncer: true },
};

/**
 * The built-in PgBouncer's defaults (learn.microsoft.com/azure/postgresql/flexible-server/concepts-pgbouncer):
 * client connections it accepts, and server connections per user/database pair.
 */
const PGBOUNCER_DEFAULTS = { maxClientConnections: 5000, defaultPoolSize: 50 } as const;

/** Connections the migration hook and an operator may hold next to the app's pool. */
const ADMINISTRATION_CONNECTIONS = 10;

export interface ConnectionBudget {
  instances: number;
  poolSize: number;
  /** Connections the app may open at full scale-out: instances × pool size. */
  appConnections: number;
  sku: string;
  throughPgBouncer: boolean;
  /** What the app's connections count against: PgBouncer's client limit, or the server's user connections. */
  appLimit: number;
  /** Connections to PostgreSQL itself: PgBouncer's pool for the one user/database pair, or the app's. */
  serverConnections: number;
  serverLimit: number;
}

/** The connection budget at the templates' defaults. */
export function connectionBudget(sources: Sources): ConnectionBudget {
  const main = parsed(sources, 'infra/main.bicep');
  const database = parsed(sources, 'infra/app/database.bicep');
  const { settings } = appSettings(sources);
  const instances = Number(literal(main, main.params.get('functionMaximumInstanceCount')?.defaultValue));
  // The pool size the app runs with: its app setting when the templates set one, else the code's default.
  const poolSetting = settings.get('DATABASE_POOL_SIZE');
  const poolSize = poolSetting ? Number(literal(main, poolSetting)) : DEFAULT_POOL_SIZE;
  const sku = literal(main, main.params.get('postgresSkuName')?.defaultValue) ?? '';
  const limits = POSTGRES_CONNECTION_LIMITS[sku];
  if (!limits) throw new Error(`no known connection limit for ${sku}: add it to POSTGRES_CONNECTION_LIMITS from the limits page`);

  const configuration = (name: string) => {
    const resource = database.resources.find(
      (candidate) =>
        candidate.type === 'Microsoft.DBforPostgreSQL/flexibleServers/configurations' &&
        literal(database, get(candidate.value, 'name')) === name,
    );
    return resource && literal(database, get(resource.value, 'properties.value'));
  };
  const port = literal(main, main.vars.get('pgBouncerPort'));
  const urlPort = /:\$\{(\w+)\}\/|:(\d+)\//.exec(textOf(get(moduleOf(main, 'app/key-vault.bicep')?.value, 'params.databaseUrl')) ?? '');
  const appPort = urlPort?.[1] === 'pgBouncerPort' ? port : urlPort?.[2];
  const throughPgBouncer =
    limits.pgBouncer &&
    configuration('pgbouncer.enabled') === 'true' &&
    configuration('pgbouncer.pool_mode')?.toUpperCase() === 'TRANSACTION' &&
    appPort === '6432';

  const appConnections = instances * poolSize;
  const userLimit = limits.user - ADMINISTRATION_CONNECTIONS;
  const poolerPoolSize = Number(configuration('pgbouncer.default_pool_size') ?? PGBOUNCER_DEFAULTS.defaultPoolSize);
  return {
    instances,
    poolSize,
    appConnections,
    sku,
    throughPgBouncer,
    appLimit: throughPgBouncer ? Number(configuration('pgbouncer.max_client_conn') ?? PGBOUNCER_DEFAULTS.maxClientConnections) : userLimit,
    // One pool: the app connects as one role to one database.
    serverConnections: throughPgBouncer ? poolerPoolSize : appConnections,
    serverLimit: userLimit,
  };
}

export function checkConnectionBudget(sources: Sources): string[] {
  const budget = connectionBudget(sources);
  const problems: string[] = [];
  if (budget.appConnections > budget.appLimit) {
    problems.push(
      `${budget.instances} instances × a pool of ${budget.poolSize} = ${budget.appConnections} connections, over the ${budget.appLimit} ${budget.throughPgBouncer ? 'PgBouncer accepts' : `${budget.sku} leaves the app`}`,
    );
  }
  if (budget.serverConnections > budget.serverLimit) {
    problems.push(`${budget.serverConnections} server connections, over the ${budget.serverLimit} ${budget.sku} leaves the app`);
  }
  return problems;
}

/** Resource providers that are registered in every subscription and need no registration step. */
const ALWAYS_REGISTERED = new Set(['Microsoft.Resources', 'Microsoft.Authorization']);

/**
 * Every provider whose resources the templates declare (and Microsoft.App, which owns the subnet
 * delegation Flex Consumption's VNet integration uses) is registered by the preprovision hook.
 */
export function checkProvidersAreRegistered(sources: Sources, registrationScript: string): string[] {
  const declared = new Set<string>();
  for (const file of Object.keys(sources)) {
    const bicep = parsed(sources, file);
    for (const resource of bicep.resources) declared.add(resource.type.split('/')[0]!);
    for (const resource of bicep.resources) {
      for (const service of delegatedServices(bicep, resource)) if (/^Microsoft\.\w+\//.test(service)) declared.add(service.split('/')[0]!);
    }
  }
  const registered = new Set(/^namespaces="([^"]*)"/m.exec(registrationScript)?.[1]?.split(/\s+/).filter(Boolean) ?? []);
  return [...declared]
    .filter((namespace) => !ALWAYS_REGISTERED.has(namespace) && !registered.has(namespace))
    .sort()
    .map((namespace) => `${namespace} is used by the templates but not registered by the preprovision hook`);
}

/** Service names of subnet delegations (`Microsoft.App/environments`): literal strings under `serviceName`. */
function delegatedServices(file: BicepFile, resource: ResourceDeclaration): string[] {
  const found: string[] = [];
  const visit = (node: Node | undefined): void => {
    if (!node) return;
    if (node.kind === 'object') {
      for (const [key, inner] of node.entries) {
        if (key === 'serviceName') found.push(literal(file, inner) ?? '');
        visit(unwrap(inner));
      }
    }
    if (node.kind === 'array') node.items.forEach((item) => visit(unwrap(item)));
  };
  visit(unwrap(resource.value));
  return found;
}
