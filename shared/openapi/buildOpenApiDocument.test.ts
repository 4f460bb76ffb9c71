import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { getRegistrations, installFunctionsCore } from '../../devhost/functionsCore.js';
import { buildOpenApiDocument } from './buildOpenApiDocument.js';

const functionsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../functions');

describe('the OpenAPI document', () => {
  it('is the committed docs/openapi.json (after a change: npx vitest run shared/openapi -u)', async () => {
    await expect(`${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`).toMatchFileSnapshot('../../docs/openapi.json');
  });

  it('describes exactly the HTTP routes and methods that the functions register', async () => {
    installFunctionsCore();
    for (const file of (await readdir(functionsFolder)).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))) {
      await import(path.join(functionsFolder, file));
    }
    const registered = getRegistrations()
      .flatMap(({ bindings }) => Object.values(bindings))
      .filter((binding) => binding.type === 'httpTrigger')
      .flatMap((binding) => (binding.methods as string[]).map((method) => `${method.toLowerCase()} /${String(binding.route)}`));
    const documented = Object.entries(buildOpenApiDocument().paths ?? {}).flatMap(([route, operations]) =>
      Object.keys(operations as object).map((method) => `${method} ${route}`),
    );
    expect(registered.sort()).toEqual(documented.sort());
  });
});
