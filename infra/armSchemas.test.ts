import { describe, expect, it } from 'vitest';
import { ArmSchemas } from './check/armSchemas.js';
import { checkResourceBodiesAgainstArmSchemas, declaredResourceTypes } from './check/schemaCheck.js';
import { edited, readSources } from './check/templates.js';

/**
 * Every resource body in infra/ against Azure Resource Manager's JSON Schema of its type and API version
 * (infra/schemas/arm-schemas.json), and the same check failing on a copy of the templates with one
 * error of each kind seeded in.
 */

describe('the templates against Azure Resource Manager schemas', () => {
  const sources = readSources();
  const schemas = ArmSchemas.load();

  it('keeps the schema of exactly the resource types and API versions infra/ declares', () => {
    const declared = [...new Set(declaredResourceTypes(sources).map(({ type, apiVersion }) => `${type}@${apiVersion}`))].sort();
    expect(Object.keys(schemas.data.resources).sort()).toEqual(declared);
    expect(schemas.data.commit).toMatch(/^[0-9a-f]{40}$/);
  });

  it('finds every resource body valid: API version, property names, types, enums, patterns and required properties', () => {
    expect(checkResourceBodiesAgainstArmSchemas(sources, schemas)).toEqual([]);
  });
});

describe('the schema check fails on a template broken', () => {
  const sources = readSources();
  const schemas = ArmSchemas.load();
  const check = (file: string, from: string, to: string) => checkResourceBodiesAgainstArmSchemas(edited(sources, file, from, to), schemas);

  it('by a misspelt property name', () => {
    expect(check('infra/app/data-storage.bicep', 'allowSharedKeyAccess: false', 'allowSharedKeyAcess: false')).toEqual([
      expect.stringMatching(
        /^infra\/app\/data-storage\.bicep:\d+ storage \(Microsoft\.Storage\/storageAccounts@2023-05-01\): properties\.allowSharedKeyAcess: no such property \(known: .*allowSharedKeyAccess,/,
      ),
    ]);
  });

  it('by a misspelt property deep in a body', () => {
    expect(check('infra/app/blob-events.bicep', 'subjectBeginsWith:', 'subjectBeginWith:')).toEqual([
      expect.stringContaining('properties.filter.subjectBeginWith: no such property'),
    ]);
  });

  it('by a value outside the enum', () => {
    expect(check('infra/app/database.bicep', "publicNetworkAccess: 'Disabled'", "publicNetworkAccess: 'Off'")).toEqual([
      expect.stringContaining('properties.network.publicNetworkAccess: "Off" is not one of "Enabled", "Disabled"'),
    ]);
  });

  it('by an API version that does not exist', () => {
    expect(check('infra/app/api.bicep', "'Microsoft.Web/serverfarms@2024-04-01'", "'Microsoft.Web/serverfarms@2024-04-31'")).toEqual([
      expect.stringContaining('API version 2024-04-31 does not exist for Microsoft.Web/serverfarms'),
    ]);
  });

  it('by a value of the wrong type', () => {
    expect(check('infra/app/monitoring.bicep', 'retentionInDays: 30', "retentionInDays: '30'")).toEqual([
      expect.stringContaining('properties.retentionInDays: expected integer, found string "30"'),
    ]);
  });

  it('by a parameter of the wrong type passed to a property', () => {
    expect(check('infra/app/api.bicep', 'param maximumInstanceCount int', 'param maximumInstanceCount string')).toEqual([
      expect.stringContaining('properties.functionAppConfig.scaleAndConcurrency.maximumInstanceCount: expected integer, found string'),
    ]);
  });

  it('by a required property left out', () => {
    expect(
      check(
        'infra/app/rbac.bicep',
        '    principalId: deployerPrincipalId\n  }\n}\n\nresource deployerReadsAppPassword',
        '  }\n}\n\nresource deployerReadsAppPassword',
      ),
    ).toEqual([expect.stringContaining('properties.principalId: required, not set')]);
  });
});
