import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkModuleParameters, checkParametersFile, checkScriptDeployments, checkSymbolsAreDeclared } from './check/compilerChecks.js';
import { edited, readSources, repositoryRoot } from './check/templates.js';

/**
 * What the Bicep compiler would refuse (it cannot be installed here): undeclared names, modules given
 * too few or unknown parameters, outputs that do not exist. Each check is also shown to fail on a copy
 * of the templates with one such error seeded in.
 */

const parametersJson = readFileSync(path.join(repositoryRoot, 'infra/main.parameters.json'), 'utf8');
const hookScript = 'infra/scripts/subscribe-blob-events.sh';
const scripts = { [hookScript]: readFileSync(path.join(repositoryRoot, hookScript), 'utf8') };

describe('the templates compile', () => {
  const sources = readSources();

  it('declare every name they use, and read only outputs their modules declare', () => {
    expect(checkSymbolsAreDeclared(sources)).toEqual([]);
  });

  it('pass every module the parameters it requires, and none it does not declare', () => {
    expect(checkModuleParameters(sources)).toEqual([]);
  });

  it('get their parameters from azd (main.parameters.json) and from the hook that deploys blob-events.bicep', () => {
    expect(checkParametersFile(sources, parametersJson)).toEqual([]);
    expect(checkScriptDeployments(sources, scripts)).toEqual([]);
  });
});

describe('the compiler checks fail on a template broken', () => {
  const sources = readSources();

  it('by a misspelt parameter name', () => {
    const broken = edited(sources, 'infra/main.bicep', 'storageSizeGB: postgresStorageSizeGB', 'storageSizeGB: postgresStorageSizeGb');
    expect(checkSymbolsAreDeclared(broken)).toEqual([
      expect.stringMatching(/^infra\/main\.bicep:\d+: postgresStorageSizeGb is not declared$/),
    ]);
  });

  it('by an undeclared name inside a string interpolation', () => {
    const broken = edited(sources, 'infra/app/api-settings.bicep', "'ClientId=${identityClientId};", "'ClientId=${identityClientID};");
    expect(checkSymbolsAreDeclared(broken)).toEqual([
      expect.stringMatching(/^infra\/app\/api-settings\.bicep:\d+: identityClientID is not declared$/),
    ]);
  });

  it('by a function that does not exist', () => {
    const broken = edited(
      sources,
      'infra/app/rbac.bicep',
      'guid(dataStorage.id, appPrincipalId, roles.storageQueueDataContributor)',
      'giud(dataStorage.id, appPrincipalId, roles.storageQueueDataContributor)',
    );
    expect(checkSymbolsAreDeclared(broken)).toEqual([expect.stringContaining('giud() is not a Bicep function')]);
  });

  it('by a nested resource that is not declared', () => {
    const broken = edited(
      sources,
      'infra/app/events.bicep',
      'hostStorage::blobService::deadLetterContainer.id,',
      'hostStorage::blobService::deadLetters.id,',
    );
    expect(checkSymbolsAreDeclared(broken)).toEqual([expect.stringContaining('hostStorage::blobService::deadLetters is not declared')]);
  });

  it('by an output a module does not declare', () => {
    const broken = edited(sources, 'infra/main.bicep', 'database.outputs.fqdn\n', 'database.outputs.hostName\n');
    expect(checkSymbolsAreDeclared(broken)).toEqual([expect.stringContaining('infra/app/database.bicep has no output hostName')]);
  });

  it('by a module parameter left out, or one the module does not declare', () => {
    const missing = edited(sources, 'infra/main.bicep', '    maximumInstanceCount: functionMaximumInstanceCount\n', '');
    expect(checkModuleParameters(missing)).toEqual([
      expect.stringMatching(
        /^infra\/main\.bicep:\d+ module api: required parameter maximumInstanceCount of infra\/app\/api\.bicep is not passed$/,
      ),
    ]);
    const unknown = edited(
      sources,
      'infra/main.bicep',
      '    maximumInstanceCount: functionMaximumInstanceCount\n',
      '    maximumInstances: functionMaximumInstanceCount\n',
    );
    expect(checkModuleParameters(unknown)).toEqual([
      expect.stringContaining('required parameter maximumInstanceCount of infra/app/api.bicep is not passed'),
      expect.stringContaining('infra/app/api.bicep has no parameter maximumInstances'),
    ]);
  });

  it('by a parameter azd or the hook no longer passes', () => {
    const json = JSON.parse(parametersJson) as { parameters: Record<string, unknown> };
    delete json.parameters.removerUrl;
    expect(checkParametersFile(sources, JSON.stringify(json))).toEqual([
      expect.stringContaining('required parameter removerUrl of infra/main.bicep is not passed'),
    ]);
    const script = scripts[hookScript].replace('maxUploadBytes="$MAX_UPLOAD_BYTES"', '');
    expect(checkScriptDeployments(sources, { [hookScript]: script })).toEqual([
      expect.stringContaining('required parameter maxUploadBytes of infra/app/blob-events.bicep is not passed'),
    ]);
  });
});
