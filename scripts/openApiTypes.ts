import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';
import { buildOpenApiDocument } from '../shared/openapi/buildOpenApiDocument.js';

/**
 * `npm run openapi:types`: the TypeScript types of the OpenAPI document (`openapi-typescript`), written
 * to `shared/openapi/openApiTypes.ts` for scripts and tests that call the API (e.g. with
 * `openapi-fetch`). `openApiTypes.test.ts` regenerates them and fails when the committed file differs.
 */
export const API_TYPES_FILE = fileURLToPath(new URL('../shared/openapi/openApiTypes.ts', import.meta.url));

export async function renderApiTypes(): Promise<string> {
  const document = JSON.parse(JSON.stringify(buildOpenApiDocument())) as Parameters<typeof openapiTS>[0];
  return `${COMMENT_HEADER}${astToString(await openapiTS(document))}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await writeFile(API_TYPES_FILE, await renderApiTypes());
  console.log(`Wrote ${API_TYPES_FILE}`);
}
