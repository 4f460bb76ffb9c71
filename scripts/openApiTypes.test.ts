import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, renderApiTypes } from './openApiTypes.js';

describe('the generated API types', () => {
  it('are what openapi-typescript makes of the OpenAPI document now (after a change: npm run openapi:types)', async () => {
    expect(await readFile(API_TYPES_FILE, 'utf8')).toBe(await renderApiTypes());
  });
});
