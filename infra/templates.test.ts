import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMAGE_DELETION_QUEUE, PROCESSING_QUEUE, WEBHOOK_DELIVERY_QUEUE } from '../shared/storage/blobPaths.js';
import { parseBicep } from './check/bicepReader.js';
import {
  checkAlertsMatchTheCode,
  checkAppRoles,
  checkBindingConnections,
  checkBlobEventSubscription,
  checkDatabaseIsPrivate,
  checkDataStorage,
  checkEveryConfigVariableIsSet,
  checkHostSettings,
  checkMigrationExtensionsAreAllowed,
  checkSettingValuesPassTheLoader,
  checkStorageAccountsAreLocked,
  DATA_ACCOUNT,
} from './check/productChecks.js';
import { PACKAGE_DIRECTORY } from '../scripts/package.js';
import { codeSources, edited, migrationScripts, readSources, repositoryRoot as root } from './check/templates.js';

/**
 * What the templates must do for this product (infra/check/productChecks.ts), checked offline against
 * the code; each check is also shown to fail on a copy of the templates with one error seeded in.
 */

describe('infra templates', () => {
  const sources = readSources();
  const functionSources = codeSources('functions');
  const allCode = [...functionSources, ...codeSources('shared')];

  it('parses every template, including those the checks do not read', () => {
    const all = readdirSync(path.join(root, 'infra'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.bicep'));
    for (const file of all) expect(() => parseBicep(file, readFileSync(path.join(root, 'infra', file), 'utf8'))).not.toThrow();
  });

  it('sets every variable shared/config.ts reads, apart from the explicit exclusions', () => {
    expect(checkEveryConfigVariableIsSet(sources)).toEqual([]);
  });

  it('sets values that pass the configuration loader in production', () => {
    expect(checkSettingValuesPassTheLoader(sources)).toEqual([]);
  });

  it('configures every binding connection with the managed identity, never a connection string', () => {
    expect(checkBindingConnections(sources, functionSources)).toEqual([]);
  });

  it('gives the Functions host identity-based storage for Durable Functions and authenticated telemetry', () => {
    expect(checkHostSettings(sources)).toEqual([]);
  });

  it('grants each role the code needs, and secrets only as Key Vault references to exactly those secrets', () => {
    expect(checkAppRoles(sources)).toEqual([]);
  });

  it('creates every container and queue the code uses, with the lifecycle rule and CORS', () => {
    expect(checkDataStorage(sources)).toEqual([]);
  });

  it('locks both storage accounts to identity access over TLS 1.2, LRS, nothing public', () => {
    expect(checkStorageAccountsAreLocked(sources)).toEqual([]);
  });

  it('keeps PostgreSQL off the public network, reachable through its private endpoint', () => {
    expect(checkDatabaseIsPrivate(sources)).toEqual([]);
  });

  it('allow-lists every PostgreSQL extension the migrations create', () => {
    expect(checkMigrationExtensionsAreAllowed(sources, migrationScripts())).toEqual([]);
  });

  it('subscribes the Event Grid blob trigger the code registers to BlobCreated in uploads/', () => {
    expect(checkBlobEventSubscription(sources, functionSources)).toEqual([]);
  });

  it('alerts on the events and pipeline steps the code logs', () => {
    expect(checkAlertsMatchTheCode(sources, allCode)).toEqual([]);
  });

  it('has an azure.yaml that deploys the package built here and the page, and runs hooks that exist', () => {
    const azureYaml = readFileSync(path.join(root, 'azure.yaml'), 'utf8');
    // A service's block: its lines indented under `  <name>:`.
    const service = (name: string) =>
      [...azureYaml.matchAll(/^ {2}(\w+):\n((?: {4}.*\n)*)/gm)].find((match) => match[1] === name)?.[2] ?? '';
    const api = service('api');
    expect(api).toMatch(/^ {4}host: function$/m);
    expect(api).toMatch(new RegExp(`^ {4}dist: ${PACKAGE_DIRECTORY.replace('.', '\\.')}$`, 'm'));
    expect(api).toMatch(/^ {4}remoteBuild: false$/m);
    expect(api).toMatch(/^ {10}run: npm run package$/m);
    const web = service('web');
    expect(web).toMatch(/^ {4}host: staticwebapp$/m);
    expect(web).toMatch(/^ {4}dist: web\/dist$/m);
    expect(web).toMatch(/^ {10}run: npm run web:build$/m);
    expect(sources['infra/app/api.bicep']).toContain("'azd-service-name': 'api'");
    expect(sources['infra/app/web.bicep']).toContain("'azd-service-name': 'web'");
    const hooks = [...azureYaml.matchAll(/run: \.\/(\S+)/g)].map((match) => match[1]!);
    expect(hooks).toEqual([
      'infra/scripts/register-providers.sh',
      'infra/scripts/migrate-database.sh',
      'infra/scripts/subscribe-blob-events.sh',
    ]);
    for (const script of hooks) expect(existsSync(path.join(root, script)), script).toBe(true);
  });
});

describe('the checks fail on a broken template', () => {
  const sources = readSources();
  const functionSources = codeSources('functions');

  it('when a migration needs an extension the server does not allow', () => {
    const broken = edited(sources, 'infra/app/database.bicep', "value: 'PG_TRGM'", "value: ''");
    expect(checkMigrationExtensionsAreAllowed(broken, migrationScripts())).toEqual([
      'extension pg_trgm is created by a migration but not in azure.extensions',
    ]);
  });

  it('when an app setting is removed', () => {
    const broken = edited(
      sources,
      'infra/main.bicep',
      "      CURSOR_SECRET: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.cursorSecretUri})'\n",
      '',
    );
    expect(checkEveryConfigVariableIsSet(broken)).toEqual(['CURSOR_SECRET is read by shared/config.ts but not set by infra/main.bicep']);
  });

  it('when a setting is left behind after the code stopped reading it', () => {
    const stale = edited(
      sources,
      'infra/main.bicep',
      "      DETOUR_ENV: 'production'\n",
      "      DETOUR_ENV: 'production'\n      LOG_LEVEL: 'info'\n",
    );
    expect(checkEveryConfigVariableIsSet(stale)).toEqual(['LOG_LEVEL is set by infra/main.bicep but shared/config.ts no longer reads it']);
  });

  it('when a setting gets a value the loader refuses', () => {
    const broken = edited(sources, 'infra/main.bicep', 'param uploadSasTtlMinutes int = 10', 'param uploadSasTtlMinutes int = 90');
    expect(checkSettingValuesPassTheLoader(broken).join()).toContain('UPLOAD_SAS_TTL_MINUTES');
  });

  it('when a secret becomes a plain value', () => {
    const broken = edited(
      sources,
      'infra/main.bicep',
      "AUTH_JWT_SECRET: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.authJwtSecretUri})'",
      'AUTH_JWT_SECRET: authJwtSecret',
    );
    expect(checkAppRoles(broken)).toContain('AUTH_JWT_SECRET is not a Key Vault reference');
  });

  it('when the data connection falls back to a connection string', () => {
    const broken = edited(
      sources,
      'infra/main.bicep',
      "DataStorage__credential: 'managedidentity'",
      "DataStorage: 'DefaultEndpointsProtocol=https'",
    );
    expect(checkBindingConnections(broken, functionSources)).toEqual([
      'DataStorage is a connection string setting; use DataStorage__* with the identity',
      'DataStorage__credential is not managedidentity',
    ]);
  });

  it('when a container is no longer created', () => {
    const broken = edited(
      sources,
      'infra/app/data-storage.bicep',
      "['uploads', 'originals', 'processed', 'thumbnails', 'previews', 'exports']",
      "['uploads', 'originals', 'processed', 'previews', 'exports']",
    );
    expect(checkDataStorage(broken)).toEqual(['container thumbnails (shared/storage/blobPaths.ts) is not created']);
  });

  it('when a queue is no longer created', () => {
    const broken = edited(sources, 'infra/app/data-storage.bicep', "'webhook-deliveries-poison'", "'webhook-deliveries-dead'");
    expect(checkDataStorage(broken)).toEqual([`queue ${WEBHOOK_DELIVERY_QUEUE}-poison is not created`]);
  });

  it('when a role assignment is dropped or weakened', () => {
    const queueGrant =
      "scope: dataStorage\n  properties: {\n    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataContributor)";
    const weakened = edited(
      sources,
      'infra/app/rbac.bicep',
      queueGrant,
      queueGrant.replace('storageQueueDataContributor)', 'storageTableDataContributor)'),
    );
    expect(checkAppRoles(weakened)).toEqual([
      `missing storageQueueDataContributor on ${DATA_ACCOUNT} (the blob trigger connection; the ${PROCESSING_QUEUE}, ${WEBHOOK_DELIVERY_QUEUE}, ${IMAGE_DELETION_QUEUE} queues and their poison queues)`,
    ]);
  });

  it('when the blob trigger connection gets less than the Functions documentation asks', () => {
    const ownerGrant =
      "scope: dataStorage\n  properties: {\n    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)";
    // Storage Blob Data Contributor's id in place of Owner's.
    const contributor = edited(
      sources,
      'infra/app/rbac.bicep',
      ownerGrant,
      ownerGrant.replace('roles.storageBlobDataOwner', "'ba92f5b4-2d11-453d-a403-e96b0029c9fe'"),
    );
    expect(checkAppRoles(contributor)).toEqual([
      expect.stringMatching(/^missing storageBlobDataOwner on Microsoft\.Storage\/storageAccounts from app\/data-storage\.bicep/),
    ]);
  });

  it('when the app is allowed a secret it does not use', () => {
    const broken = edited(sources, 'infra/app/rbac.bicep', 'scope: cursorSecret\n', 'scope: postgresAdminPasswordSecret\n');
    expect(checkAppRoles(broken)).toEqual([
      'the app cannot read the secret cursor-secret it references',
      'the app may read secret:postgres-admin-password, which it does not reference',
    ]);
  });

  it('when shared-key access is turned back on', () => {
    const broken = edited(sources, 'infra/app/data-storage.bicep', 'allowSharedKeyAccess: false', 'allowSharedKeyAccess: true');
    expect(checkStorageAccountsAreLocked(broken)).toEqual([
      'infra/app/data-storage.bicep: properties.allowSharedKeyAccess is true, expected false',
    ]);
  });
});
