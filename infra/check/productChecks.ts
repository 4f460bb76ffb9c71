import { CONFIG_VARIABLES, loadConfig } from '../../shared/config.js';
import { PIPELINE_STEPS } from '../../shared/pipeline/pipelineContract.js';
import { CONTAINERS, IMAGE_DELETION_QUEUE, PROCESSING_QUEUE, WEBHOOK_DELIVERY_QUEUE } from '../../shared/storage/blobPaths.js';
import { declaredNames, get, literal, literalList, textOf, type Node } from './bicepReader.js';
import { appSettings, moduleOf, parsed, type Sources } from './templates.js';

/**
 * What the templates must do for this product: each check compares them with what the code reads and
 * uses, and returns its problems (empty when all is well).
 */

/**
 * Variables of shared/config.ts that production leaves to the code, each with why.
 */
const LEFT_TO_THE_CODE: ReadonlyMap<string, string> = new Map([
  // A connection string, i.e. an account key (or Azurite). The data account refuses shared-key access:
  // production connects with the identity-based DataStorage__* settings instead.
  ['DataStorage', 'connection string; production uses DataStorage__* with the managed identity'],
  // Defaults to the instance's core count (os.availableParallelism()), which follows the Flex
  // Consumption instance size; any fixed number would be wrong for the other sizes.
  ['SHARP_CONCURRENCY', 'the default follows the instance size'],
  // The code's default (DEFAULT_POOL_SIZE) is what the connection budget counts (platformChecks.ts).
  ['DATABASE_POOL_SIZE', 'the default is what the connection budget counts'],
  // Local development and tests only: production refuses to start with it set to true.
  ['WEBHOOK_ALLOW_LOCAL_RECEIVERS', 'local development only; production always refuses local receivers'],
]);

/** Settings whose value is a secret: Key Vault references only, never a literal or a plain parameter. */
const SECRET_SETTINGS = ['DATABASE_URL', 'AUTH_JWT_SECRET', 'CURSOR_SECRET', 'WEBHOOK_SECRET_KEY'];

/** Built-in role definition ids (the same for every tenant). */
const ROLE_IDS = {
  storageAccountContributor: '17d1049b-9a84-46fb-8f53-869881c3d3ab',
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
} as const;
type RoleName = keyof typeof ROLE_IDS;

export const DATA_ACCOUNT = 'Microsoft.Storage/storageAccounts from app/data-storage.bicep';
const HOST_ACCOUNT = 'Microsoft.Storage/storageAccounts from app/host-storage.bicep';
const APP_INSIGHTS = 'Microsoft.Insights/components from app/monitoring.bicep';

/**
 * What the Function App's identity must hold, where, and why. The blob trigger's rows are the Functions
 * documentation's own tables: its connection needs "Storage Blob Data Owner and Storage Queue Data
 * Contributor"; an identity-based AzureWebJobsStorage of an app with a blob trigger needs "All of: Storage
 * Account Contributor, Storage Blob Data Owner, Storage Queue Data Contributor".
 */
const PRODUCT_QUEUES = [PROCESSING_QUEUE, WEBHOOK_DELIVERY_QUEUE, IMAGE_DELETION_QUEUE];

const REQUIRED_APP_ROLES: { target: string; role: RoleName; why: string }[] = [
  {
    target: DATA_ACCOUNT,
    role: 'storageBlobDataOwner',
    why: 'the blob trigger connection; read originals, write cut-outs and thumbnails, delete blobs, sign user delegation SAS',
  },
  {
    target: DATA_ACCOUNT,
    role: 'storageQueueDataContributor',
    why: `the blob trigger connection; the ${PRODUCT_QUEUES.join(', ')} queues and their poison queues`,
  },
  { target: HOST_ACCOUNT, role: 'storageAccountContributor', why: 'AzureWebJobsStorage of an app with a blob trigger' },
  { target: HOST_ACCOUNT, role: 'storageBlobDataOwner', why: 'identity-based AzureWebJobsStorage, blob-trigger receipts' },
  { target: HOST_ACCOUNT, role: 'storageQueueDataContributor', why: 'blob-trigger queues, Durable Functions task hub queues' },
  { target: HOST_ACCOUNT, role: 'storageTableDataContributor', why: 'Durable Functions task hub tables' },
  { target: APP_INSIGHTS, role: 'monitoringMetricsPublisher', why: 'telemetry with local auth disabled' },
];

export function checkEveryConfigVariableIsSet(sources: Sources): string[] {
  const { settings } = appSettings(sources);
  const problems: string[] = [];
  for (const variable of CONFIG_VARIABLES) {
    if (LEFT_TO_THE_CODE.has(variable)) {
      if (settings.has(variable)) problems.push(`${variable} is set although it is listed as left to the code`);
    } else if (!settings.has(variable)) {
      problems.push(`${variable} is read by shared/config.ts but not set by infra/main.bicep`);
    }
  }
  for (const variable of LEFT_TO_THE_CODE.keys()) {
    if (!(CONFIG_VARIABLES as readonly string[]).includes(variable)) problems.push(`${variable} is excluded but no longer read`);
  }
  // A setting nothing reads is a leftover: the code's variables, plus the identity settings of a binding
  // connection that the Functions host reads (`<connection>__credential`).
  for (const name of settings.keys()) {
    const read = (CONFIG_VARIABLES as readonly string[]).includes(name) || name.endsWith('__credential');
    if (!read) problems.push(`${name} is set by infra/main.bicep but shared/config.ts no longer reads it`);
  }
  return problems;
}

/** Stand-ins for values only known at deployment, to run the loader over everything else. */
const DEPLOYMENT_TIME_EXAMPLES: Record<string, string> = {
  DATABASE_URL: 'postgresql://detour_app:secret@psql-example.postgres.database.azure.com:6432/detour?sslmode=verify-full&schema=detour',
  DataStorage__blobServiceUri: 'https://stdataexample.blob.core.windows.net/',
  DataStorage__queueServiceUri: 'https://stdataexample.queue.core.windows.net/',
  DataStorage__credential: 'managedidentity',
  DataStorage__clientId: '00000000-0000-0000-0000-000000000000',
  AUTH_JWT_SECRET: 'x'.repeat(48),
  CURSOR_SECRET: 'y'.repeat(48),
  WEBHOOK_SECRET_KEY: 'z'.repeat(48),
  REMOVER_URL: 'https://remover.example.com/remove',
  PUBLIC_BASE_URL: 'https://afd-example-abcdefgh.z01.azurefd.net',
};

export function checkSettingValuesPassTheLoader(sources: Sources): string[] {
  const { main, settings } = appSettings(sources);
  const environment: Record<string, string> = {};
  const problems: string[] = [];
  for (const [name, node] of settings) {
    const value = literal(main, node) ?? DEPLOYMENT_TIME_EXAMPLES[name];
    if (value === undefined) problems.push(`${name}: no literal value and no example to check it with (${textOf(node)})`);
    else environment[name] = value;
  }
  try {
    const config = loadConfig(environment);
    if (!config.isProduction) problems.push('DETOUR_ENV is not production');
  } catch (error) {
    problems.push(String(error));
  }
  return problems;
}

/** The connections the bindings name (functions/*.ts), each identity-based in the settings. */
export function checkBindingConnections(sources: Sources, functionSources: string[]): string[] {
  const { settings, main } = appSettings(sources);
  const connections = new Set(
    functionSources.flatMap((source) => [...source.matchAll(/connection:\s*['"]([\w]+)['"]/g)].map((match) => match[1]!)),
  );
  connections.add('DataStorage');
  const problems: string[] = [];
  for (const connection of connections) {
    if (settings.has(connection)) problems.push(`${connection} is a connection string setting; use ${connection}__* with the identity`);
    if (literal(main, settings.get(`${connection}__credential`)) !== 'managedidentity')
      problems.push(`${connection}__credential is not managedidentity`);
    if (!settings.has(`${connection}__clientId`)) problems.push(`${connection}__clientId is missing (user-assigned identity)`);
    if (!settings.has(`${connection}__blobServiceUri`)) problems.push(`${connection}__blobServiceUri is missing`);
    if (!settings.has(`${connection}__queueServiceUri`)) problems.push(`${connection}__queueServiceUri is missing`);
  }
  // The settings' identity is the one the app runs with (identity.outputs.resourceId, checkAppRoles).
  if (textOf(settings.get('DataStorage__clientId')) !== 'identity.outputs.clientId')
    problems.push('DataStorage__clientId is not the identity the Function App runs with');
  if (textOf(get(moduleOf(main, 'app/api-settings.bicep')?.value, 'params.identityClientId')) !== 'identity.outputs.clientId')
    problems.push('the host settings do not use the identity the Function App runs with');
  return problems;
}

export function checkHostSettings(sources: Sources): string[] {
  const api = parsed(sources, 'infra/app/api-settings.bicep');
  const host = api.vars.get('hostSettings');
  if (host?.kind !== 'object') return ['api-settings.bicep has no hostSettings object'];
  const problems: string[] = [];
  for (const service of ['blob', 'queue', 'table']) {
    if (!host.entries.has(`AzureWebJobsStorage__${service}ServiceUri`))
      problems.push(`AzureWebJobsStorage__${service}ServiceUri is missing (Durable needs blob, queue and table)`);
  }
  if (literal(api, host.entries.get('AzureWebJobsStorage__credential')) !== 'managedidentity')
    problems.push('AzureWebJobsStorage__credential is not managedidentity');
  if (!host.entries.has('AzureWebJobsStorage__clientId')) problems.push('AzureWebJobsStorage__clientId is missing');
  if (host.entries.has('AzureWebJobsStorage')) problems.push('AzureWebJobsStorage is a connection string');
  if (!host.entries.has('APPLICATIONINSIGHTS_AUTHENTICATION_STRING')) problems.push('telemetry is not Entra-authenticated');
  const settingsResource = api.resources.find(
    (resource) => resource.type === 'Microsoft.Web/sites/config' && literal(api, get(resource.value, 'name')) === 'appsettings',
  );
  if (textOf(get(settingsResource?.value, 'properties')) !== 'union(appSettings, hostSettings)')
    problems.push('the appsettings resource does not merge appSettings and hostSettings');
  return problems;
}

/** Which Key Vault secret an app setting references (by the key-vault.bicep output it interpolates). */
function referencedSecret(sources: Sources, node: Node | undefined): string | undefined {
  if (node?.kind !== 'string' || !node.raw.startsWith("'@Microsoft.KeyVault(SecretUri=")) return undefined;
  const output = /keyVault\.outputs\.(\w+)/.exec(node.raw)?.[1];
  const keyVault = parsed(sources, 'infra/app/key-vault.bicep');
  const symbol = output && /^(\w+)\.properties\.secretUri/.exec(textOf(keyVault.outputs.get(output)?.value) ?? '')?.[1];
  const secret = keyVault.resources.find((resource) => resource.symbol === symbol && resource.type === 'Microsoft.KeyVault/vaults/secrets');
  return secret && literal(keyVault, get(secret.value, 'name'));
}

interface RoleGrant {
  symbol: string;
  roleId: string | undefined;
  target: string;
  principal: string | undefined;
}

/** Role assignments of rbac.bicep, each with the resource it is scoped to, traced back through main.bicep. */
function roleGrants(sources: Sources): RoleGrant[] {
  const rbac = parsed(sources, 'infra/app/rbac.bicep');
  const main = parsed(sources, 'infra/main.bicep');
  const rbacModule = moduleOf(main, 'app/rbac.bicep');
  const roleVar = rbac.vars.get('roles');

  const describeTarget = (symbol: string | undefined): string => {
    const resource = rbac.resources.find((candidate) => candidate.symbol === symbol);
    if (!resource) return `unknown scope ${symbol}`;
    const name = get(resource.value, 'name');
    if (resource.type === 'Microsoft.KeyVault/vaults/secrets') return `secret:${literal(rbac, name)}`;
    const passed = textOf(get(rbacModule?.value, `params.${textOf(name)}`));
    const moduleSymbol = passed?.split('.')[0];
    return `${resource.type} from ${main.modules.get(moduleSymbol ?? '')?.path ?? `<${passed}>`}`;
  };

  return rbac.resources
    .filter((resource) => resource.type === 'Microsoft.Authorization/roleAssignments')
    .map((resource) => {
      const definition = textOf(get(resource.value, 'properties.roleDefinitionId')) ?? '';
      const roleKey = /roles\.(\w+)/.exec(definition)?.[1];
      const roleNode = roleVar?.kind === 'object' && roleKey ? roleVar.entries.get(roleKey) : undefined;
      return {
        symbol: resource.symbol,
        roleId: literal(rbac, roleNode),
        target: describeTarget(textOf(get(resource.value, 'scope'))),
        principal: textOf(get(resource.value, 'properties.principalId')),
      };
    });
}

export function checkAppRoles(sources: Sources): string[] {
  const main = parsed(sources, 'infra/main.bicep');
  const rbacModule = moduleOf(main, 'app/rbac.bicep');
  const apiModule = moduleOf(main, 'app/api.bicep');
  const problems: string[] = [];
  if (textOf(get(rbacModule?.value, 'params.appPrincipalId')) !== 'identity.outputs.principalId')
    problems.push("rbac.bicep is not given the identity's principal");
  if (textOf(get(apiModule?.value, 'params.identityId')) !== 'identity.outputs.resourceId')
    problems.push('the Function App does not run with that identity');

  const appGrants = roleGrants(sources).filter((grant) => grant.principal === 'appPrincipalId');
  for (const required of REQUIRED_APP_ROLES) {
    if (!appGrants.some((grant) => grant.target === required.target && grant.roleId === ROLE_IDS[required.role])) {
      problems.push(`missing ${required.role} on ${required.target} (${required.why})`);
    }
  }

  // Key Vault: exactly the secrets the settings reference, never the whole vault.
  const { settings } = appSettings(sources);
  const referenced = new Set<string>();
  for (const name of SECRET_SETTINGS) {
    const secret = referencedSecret(sources, settings.get(name));
    if (secret) referenced.add(secret);
    else problems.push(`${name} is not a Key Vault reference`);
  }
  const readable = new Set(appGrants.filter((grant) => grant.roleId === ROLE_IDS.keyVaultSecretsUser).map((grant) => grant.target));
  for (const secret of referenced) {
    if (!readable.has(`secret:${secret}`)) problems.push(`the app cannot read the secret ${secret} it references`);
  }
  for (const target of readable) {
    if (!target.startsWith('secret:') || !referenced.has(target.slice('secret:'.length)))
      problems.push(`the app may read ${target}, which it does not reference`);
  }
  return problems;
}

export function checkDataStorage(sources: Sources): string[] {
  const data = parsed(sources, 'infra/app/data-storage.bicep');
  const problems: string[] = [];
  const containers = declaredNames(data, 'Microsoft.Storage/storageAccounts/blobServices/containers');
  for (const container of Object.values(CONTAINERS)) {
    if (!containers.includes(container)) problems.push(`container ${container} (shared/storage/blobPaths.ts) is not created`);
  }
  const queues = declaredNames(data, 'Microsoft.Storage/storageAccounts/queueServices/queues');
  for (const queue of PRODUCT_QUEUES.flatMap((name) => [name, `${name}-poison`])) {
    if (!queues.includes(queue)) problems.push(`queue ${queue} is not created`);
  }

  const lifecycle = data.resources.find((resource) => resource.type === 'Microsoft.Storage/storageAccounts/managementPolicies');
  const rules = get(lifecycle?.value, 'properties.policy.rules');
  const coolRule = rules?.kind === 'array' ? rules.items.find((rule) => get(rule, 'definition.actions.baseBlob.tierToCool')) : undefined;
  const prefixes = literalList(data, get(coolRule, 'definition.filters.prefixMatch'));
  for (const container of [CONTAINERS.originals, CONTAINERS.processed]) {
    if (!prefixes.includes(`${container}/`)) problems.push(`${container}/ does not move to Cool`);
  }
  if (literal(data, get(coolRule, 'definition.actions.baseBlob.tierToCool.daysAfterModificationGreaterThan')) !== '30')
    problems.push('Cool is not after 30 days');
  const intakeRule = rules?.kind === 'array' ? rules.items.find((rule) => get(rule, 'definition.actions.baseBlob.delete')) : undefined;
  if (!literalList(data, get(intakeRule, 'definition.filters.prefixMatch')).includes(`${CONTAINERS.uploads}/`))
    problems.push(`${CONTAINERS.uploads}/ blobs left behind are never deleted`);
  const deletedPrefixes =
    rules?.kind === 'array'
      ? rules.items
          .filter((rule) => get(rule, 'definition.actions.baseBlob.delete'))
          .flatMap((rule) => literalList(data, get(rule, 'definition.filters.prefixMatch')))
      : [];
  if (!deletedPrefixes.includes(`${CONTAINERS.exports}/`))
    problems.push(`${CONTAINERS.exports}/ blobs the expiry missed are never deleted`);

  const blobService = data.resources.find((resource) => resource.type === 'Microsoft.Storage/storageAccounts/blobServices');
  const corsRules = get(blobService?.value, 'properties.cors.corsRules');
  const cors = corsRules?.kind === 'array' ? corsRules.items[0] : undefined;
  if (textOf(get(cors, 'allowedOrigins')) !== 'corsOrigins') problems.push('CORS does not admit exactly the corsOrigins parameter');
  if (!literalList(data, get(cors, 'allowedMethods')).includes('PUT')) problems.push('CORS does not allow the direct upload (PUT)');
  return problems;
}

export function checkStorageAccountsAreLocked(sources: Sources): string[] {
  const problems: string[] = [];
  for (const file of ['infra/app/data-storage.bicep', 'infra/app/host-storage.bicep']) {
    const bicep = parsed(sources, file);
    const account = bicep.resources.find((resource) => resource.type === 'Microsoft.Storage/storageAccounts' && !resource.existing);
    const expected: Record<string, string> = {
      'properties.allowSharedKeyAccess': 'false',
      'properties.allowBlobPublicAccess': 'false',
      'properties.minimumTlsVersion': 'TLS1_2',
      'properties.supportsHttpsTrafficOnly': 'true',
      'sku.name': 'Standard_LRS',
    };
    for (const [property, value] of Object.entries(expected)) {
      const actual = literal(bicep, get(account?.value, property));
      if (actual !== value) problems.push(`${file}: ${property} is ${actual}, expected ${value}`);
    }
  }
  return problems;
}

export function checkDatabaseIsPrivate(sources: Sources): string[] {
  const database = parsed(sources, 'infra/app/database.bicep');
  const server = database.resources.find((resource) => resource.type === 'Microsoft.DBforPostgreSQL/flexibleServers');
  const problems: string[] = [];
  if (literal(database, get(server?.value, 'properties.network.publicNetworkAccess')) !== 'Disabled')
    problems.push('PostgreSQL accepts public traffic');
  if (database.resources.some((resource) => resource.type === 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules'))
    problems.push('PostgreSQL has standing firewall rules');
  const endpoint = database.resources.find((resource) => resource.type === 'Microsoft.Network/privateEndpoints');
  const connections = get(endpoint?.value, 'properties.privateLinkServiceConnections');
  const groups = connections?.kind === 'array' ? literalList(database, get(connections.items[0], 'properties.groupIds')) : [];
  if (!groups.includes('postgresqlServer')) problems.push('PostgreSQL has no private endpoint');
  return problems;
}

/** The blob-event subscription targets the function the code registers with source: 'EventGrid'. */
export function checkBlobEventSubscription(sources: Sources, functionSources: string[]): string[] {
  const events = parsed(sources, 'infra/app/blob-events.bicep');
  const problems: string[] = [];
  const functionName = literal(events, events.params.get('functionName')?.defaultValue);
  const eventGridTriggers = functionSources.flatMap((source) =>
    [...source.matchAll(/app\.storageBlob\(\s*'(\w+)'[\s\S]*?source:\s*'EventGrid'/g)].map((match) => match[1]!),
  );
  if (!functionName || !eventGridTriggers.includes(functionName))
    problems.push(`no Event Grid blob trigger named ${functionName} in functions/`);
  if (literal(events, events.params.get('containerName')?.defaultValue) !== CONTAINERS.uploads)
    problems.push(`the subscription does not watch ${CONTAINERS.uploads}/`);
  const subscription = events.resources.find((resource) => resource.type === 'Microsoft.EventGrid/systemTopics/eventSubscriptions');
  if (!literalList(events, get(subscription?.value, 'properties.filter.includedEventTypes')).includes('Microsoft.Storage.BlobCreated'))
    problems.push('BlobCreated is not delivered');
  return problems;
}

/** The alerts read events and pipeline steps that the code emits under those names. */
export function checkAlertsMatchTheCode(sources: Sources, codeSources: string[]): string[] {
  const alerts = parsed(sources, 'infra/app/alerts.bicep');
  const code = codeSources.join('\n');
  const queries = [...alerts.vars.values()].map((node) => (node.kind === 'string' ? (node.value ?? '') : '')).join('\n');
  const problems: string[] = [];
  for (const event of ['quota_reached', 'pipeline_step']) {
    if (!queries.includes(`"${event}"`)) problems.push(`no alert reads ${event} events`);
    if (!code.includes(`'${event}'`)) problems.push(`the code emits no ${event} event`);
  }
  for (const [, step] of queries.matchAll(/stepName == "(\w+)"/g)) {
    if (!(Object.values(PIPELINE_STEPS) as string[]).includes(step!)) {
      problems.push(`the failure-rate alert counts step ${step}, which is not a pipeline step`);
    }
  }
  const kinds = alerts.resources.map((resource) => resource.type);
  if (kinds.filter((type) => type === 'Microsoft.Insights/scheduledQueryRules').length < 3)
    problems.push('quota, failure-rate and poison-queue log alerts are not all there');
  if (!kinds.includes('Microsoft.Insights/metricAlerts')) problems.push('no storage capacity alert');
  return problems;
}

/** Every extension a migration creates is allow-listed on the server (Azure refuses the others). */
export function checkMigrationExtensionsAreAllowed(sources: Sources, migrations: string[]): string[] {
  const allowed = /name: 'azure\.extensions'[\s\S]*?value: '([^']*)'/.exec(sources['infra/app/database.bicep'] ?? '')?.[1] ?? '';
  const allowList = new Set(allowed.split(',').map((name) => name.trim().toLowerCase()));
  const created = migrations.flatMap((sql) =>
    [...sql.matchAll(/CREATE EXTENSION (?:IF NOT EXISTS )?"?(\w+)"?/gi)].map((match) => match[1]!.toLowerCase()),
  );
  return created
    .filter((name) => !allowList.has(name))
    .map((name) => `extension ${name} is created by a migration but not in azure.extensions`);
}
