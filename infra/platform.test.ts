import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkConnectionBudget,
  checkOneOrigin,
  checkProvidersAreRegistered,
  checkServerOperationsAreSerial,
  connectionBudget,
} from './check/platformChecks.js';
import { edited, readSources, repositoryRoot } from './check/templates.js';

/**
 * What Azure needs of the templates beyond valid bodies (infra/check/platformChecks.ts): one origin for
 * the page and the API, one PostgreSQL operation at a time, a connection budget that holds at full
 * scale-out, providers registered before provisioning. Each check is also shown failing on a copy of the
 * templates with one such error seeded in.
 */

const registration = readFileSync(path.join(repositoryRoot, 'infra/scripts/register-providers.sh'), 'utf8');

describe('the templates on the Azure platform', () => {
  const sources = readSources();

  it('serve the page and the API on one Front Door origin, with no CORS on the Function App', () => {
    expect(checkOneOrigin(sources)).toEqual([]);
  });

  it('run the PostgreSQL server operations one after the other', () => {
    expect(checkServerOperationsAreSerial(sources)).toEqual([]);
  });

  it('keep the connections of a fully scaled-out app within PgBouncer and the server', () => {
    expect(connectionBudget(sources)).toEqual({
      instances: 40,
      poolSize: 5,
      appConnections: 200,
      sku: 'Standard_D2ds_v5',
      throughPgBouncer: true,
      appLimit: 5000,
      serverConnections: 50,
      serverLimit: 834,
    });
    expect(checkConnectionBudget(sources)).toEqual([]);
  });

  it('register every resource provider they use before provisioning', () => {
    expect(checkProvidersAreRegistered(sources, registration)).toEqual([]);
  });
});

describe('the platform checks fail on a template broken', () => {
  const sources = readSources();

  it('when the Function App relies on CORS again', () => {
    const broken = edited(
      sources,
      'infra/app/api.bicep',
      '      http20Enabled: true\n',
      "      http20Enabled: true\n      cors: {\n        allowedOrigins: ['https://app.example.com']\n      }\n",
    );
    expect(checkOneOrigin(broken)).toEqual(['the Function App configures CORS, which Flex Consumption does not support']);
  });

  it('when the API is not routed on the page\u2019s origin', () => {
    const broken = edited(sources, 'infra/app/front-door.bicep', "patternsToMatch: ['/api/*']", "patternsToMatch: ['/v1/*']");
    expect(checkOneOrigin(broken)).toEqual(['Front Door does not send /api/* to the Function App']);
  });

  it('when two server operations are left unordered', () => {
    // The private endpoint created while the configuration changes: the defect this check was written for.
    const broken = edited(sources, 'infra/app/database.bicep', '  dependsOn: [database]\n', '');
    expect(checkServerOperationsAreSerial(broken)).toEqual([
      'allowedExtensions and privateEndpoint may run at the same time on the PostgreSQL server',
      'pgBouncer and privateEndpoint may run at the same time on the PostgreSQL server',
      'pgBouncerPoolMode and privateEndpoint may run at the same time on the PostgreSQL server',
      'database and privateEndpoint may run at the same time on the PostgreSQL server',
    ]);
  });

  it('when the app connects to PostgreSQL directly, or to a server whose tier has no PgBouncer', () => {
    const direct = edited(sources, 'infra/main.bicep', '@${database.outputs.fqdn}:${pgBouncerPort}/', '@${database.outputs.fqdn}:5432/');
    expect(connectionBudget(direct)).toMatchObject({ throughPgBouncer: false, appConnections: 200, appLimit: 834 });
    expect(checkConnectionBudget(direct)).toEqual([]);
    // The defaults this issue started from: 40 instances × 5 against a Standard_B1ms without PgBouncer.
    const burstable = edited(
      edited(
        sources,
        'infra/main.bicep',
        "param postgresSkuName string = 'Standard_D2ds_v5'",
        "param postgresSkuName string = 'Standard_B1ms'",
      ),
      'infra/main.bicep',
      "@allowed(['GeneralPurpose', 'MemoryOptimized'])",
      "@allowed(['Burstable', 'GeneralPurpose', 'MemoryOptimized'])",
    );
    expect(checkConnectionBudget(burstable)).toEqual([
      '40 instances × a pool of 5 = 200 connections, over the 25 Standard_B1ms leaves the app',
      '200 server connections, over the 25 Standard_B1ms leaves the app',
    ]);
  });

  it('when a provider the templates use is not registered', () => {
    expect(checkProvidersAreRegistered(sources, registration.replace('Microsoft.App ', ''))).toEqual([
      'Microsoft.App is used by the templates but not registered by the preprovision hook',
    ]);
  });
});
