import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { getRegistrations, installFunctionsCore } from '../../devhost/functionsCore.js';
import { ROUTE_ACCESS } from '../http/routes.js';
import { buildOpenApiDocument } from './buildOpenApiDocument.js';

const functionsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../functions');

describe('the OpenAPI document', () => {
  it('is the committed docs/openapi.json (after a change: npx vitest run shared/openapi -u)', async () => {
    await expect(`${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`).toMatchFileSnapshot('../../docs/openapi.json');
  });

  it('describes exactly the HTTP routes and methods that the functions register, each with the access of its function', async () => {
    installFunctionsCore();
    for (const file of (await readdir(functionsFolder)).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))) {
      await import(path.join(functionsFolder, file));
    }
    const registered = getRegistrations().flatMap(({ name, bindings }) =>
      Object.values(bindings)
        .filter((binding) => binding.type === 'httpTrigger')
        .flatMap((binding) =>
          (binding.methods as string[]).map((method) => ({ name, operation: `${method.toLowerCase()} /${String(binding.route)}` })),
        ),
    );
    const paths = buildOpenApiDocument().paths ?? {};
    const documented = Object.entries(paths).flatMap(([route, operations]) =>
      Object.keys(operations as object).map((method) => `${method} ${route}`),
    );
    expect(registered.map(({ operation }) => operation).sort()).toEqual(documented.sort());

    // The security each operation documents is the access its function is given by the route table.
    for (const { name, operation } of registered) {
      const [method, route] = operation.split(' ') as [string, string];
      const { security } = (paths[route] as Record<string, { security: Record<string, string[]>[] }>)[method]!;
      const access = (ROUTE_ACCESS as Record<string, string>)[name];
      const expected = access === undefined ? [] : access === 'session' ? [{ session: [] }] : [{ session: [] }, { apiKey: [access] }];
      expect(security, operation).toEqual(expected);
    }
  });

  it('gives every operation a unique operationId', () => {
    const ids = Object.values(buildOpenApiDocument().paths ?? {}).flatMap((operations) =>
      Object.values(operations as Record<string, { operationId?: string }>).map((operation) => operation.operationId),
    );
    expect(ids.every((id) => typeof id === 'string')).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
