import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { declaredResourceTypes } from '../check/schemaCheck.js';
import { readSources, repositoryRoot } from '../check/templates.js';
import { ARM_SCHEMAS_FILE, documentOfRef, type ArmSchemaData, type SchemaDocument, type JsonSchema } from '../check/armSchemas.js';

/**
 * Refreshes infra/schemas/arm-schemas.json from a checkout of Azure/azure-resource-manager-schemas:
 *
 *   git clone https://github.com/Azure/azure-resource-manager-schemas /tmp/arm-schemas
 *   npx tsx infra/schemas/extract.ts /tmp/arm-schemas "$(git -C /tmp/arm-schemas rev-parse HEAD)"
 *
 * It keeps only what the templates use: the definition of each resource type at each API version that
 * infra/ declares, every definition those reach through `$ref`, and the list of API versions the
 * repository knows for each of those types (so that the check can tell an unknown version apart from
 * one this file was not refreshed for).
 */

const [checkout, commit] = process.argv.slice(2);
if (!checkout || !commit || !existsSync(path.join(checkout, 'schemas'))) {
  console.error('usage: npx tsx infra/schemas/extract.ts <checkout of Azure/azure-resource-manager-schemas> <its commit>');
  process.exit(2);
}
const schemasFolder = path.join(checkout, 'schemas');

const loaded = new Map<string, SchemaDocument>();
function load(document: string): SchemaDocument {
  let parsed = loaded.get(document);
  if (!parsed) {
    parsed = JSON.parse(readFileSync(path.join(checkout!, document), 'utf8')) as SchemaDocument;
    loaded.set(document, parsed);
  }
  return parsed;
}

const SECTIONS = [
  'resourceDefinitions',
  'subscription_resourceDefinitions',
  'managementGroup_resourceDefinitions',
  'tenant_resourceDefinitions',
  'extension_resourceDefinitions',
  'unknown_resourceDefinitions',
] as const;

/** The resource definitions of a document that declare `type` (by description or by their `type` enum). */
function definitionsOf(document: string, type: string): { section: string; name: string }[] {
  const parsed = load(document);
  const found: { section: string; name: string }[] = [];
  for (const section of SECTIONS) {
    for (const [name, definition] of Object.entries(parsed[section] ?? {})) {
      if (definition.description === type || typeEnum(definition).includes(type)) found.push({ section, name });
    }
  }
  return found;
}

function typeEnum(schema: JsonSchema): string[] {
  const own = (schema.properties?.type?.enum as string[] | undefined) ?? [];
  return [...own, ...[...(schema.oneOf ?? []), ...(schema.allOf ?? [])].flatMap(typeEnum)];
}

function namespaceDocuments(version: string, type: string): string[] {
  const namespace = type.split('/')[0]!;
  const folder = path.join(schemasFolder, version);
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((file) => file === `${namespace}.json` || (file.startsWith(`${namespace}.`) && file.endsWith('.json')))
    .map((file) => `schemas/${version}/${file}`);
}

const data: ArmSchemaData = {
  source: 'https://github.com/Azure/azure-resource-manager-schemas',
  commit,
  apiVersions: {},
  resources: {},
  documents: {},
};

/** Copies a definition and, transitively, everything it references into `data.documents`. */
function keep(document: string, pointer: string[]): void {
  const target = (data.documents[document] ??= {});
  let source: unknown = load(document);
  let copy: Record<string, unknown> = target;
  for (const [index, key] of pointer.entries()) {
    source = (source as Record<string, unknown>)[key];
    if (source === undefined) throw new Error(`${document}#/${pointer.join('/')} does not exist`);
    if (index === pointer.length - 1) {
      if (copy[key] !== undefined) return;
      copy[key] = withoutDescriptions(source);
    } else {
      copy = (copy[key] ??= {}) as Record<string, unknown>;
    }
  }
  for (const ref of referencesIn(source)) {
    const [refDocument, refPointer] = documentOfRef(ref, document);
    keep(refDocument, refPointer);
  }
}

/** Descriptions are documentation for people; the check needs only the rules. */
function withoutDescriptions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDescriptions);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key, inner]) => !(key === 'description' && typeof inner === 'string'))
      .map(([key, inner]) => [key, withoutDescriptions(inner)]),
  );
}

function referencesIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(referencesIn);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => (key === '$ref' && typeof inner === 'string' ? [inner] : referencesIn(inner)));
}

const allVersions = readdirSync(schemasFolder).filter((folder) => /^\d{4}-\d{2}-\d{2}(-preview)?$/.test(folder));
const used = declaredResourceTypes(readSources());

for (const { type, apiVersion } of used) {
  const key = `${type}@${apiVersion}`;
  if (data.resources[key]) continue;
  const [definition] = namespaceDocuments(apiVersion, type).flatMap((document) =>
    definitionsOf(document, type).map((found) => ({ document, ...found })),
  );
  if (definition) {
    data.resources[key] = { $ref: `${definition.document}#/${definition.section}/${definition.name}` };
    keep(definition.document, [definition.section, definition.name]);
  } else {
    console.warn(`${key}: not in the schemas repository (an API version that does not exist?)`);
  }
  data.apiVersions[type] ??= allVersions
    .filter((version) => namespaceDocuments(version, type).some((document) => definitionsOf(document, type).length > 0))
    .sort();
}

data.apiVersions = Object.fromEntries(Object.entries(data.apiVersions).sort(([a], [b]) => a.localeCompare(b)));
data.resources = Object.fromEntries(Object.entries(data.resources).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(path.join(repositoryRoot, ARM_SCHEMAS_FILE), `${JSON.stringify(data, null, 2)}\n`);
console.log(`${ARM_SCHEMAS_FILE}: ${Object.keys(data.resources).length} resource types at their API versions, from ${commit}.`);
