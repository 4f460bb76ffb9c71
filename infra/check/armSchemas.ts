import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repositoryRoot } from './templates.js';

/**
 * Azure Resource Manager's own JSON Schemas (github.com/Azure/azure-resource-manager-schemas), kept in
 * infra/schemas/arm-schemas.json for exactly the resource types and API versions infra/ declares
 * (infra/schemas/extract.ts writes it; infra/schemas/README.md says where it comes from).
 */

export const ARM_SCHEMAS_FILE = 'infra/schemas/arm-schemas.json';

/** The JSON Schema keywords these schemas use. */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  description?: string;
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

/** One schema file of the repository, reduced to the parts kept. */
export type SchemaDocument = Partial<Record<string, Record<string, JsonSchema>>>;

export interface ArmSchemaData {
  source: string;
  commit: string;
  /** Every API version the repository has a schema for, per resource type infra/ declares. */
  apiVersions: Record<string, string[]>;
  /** `type@apiVersion` → `$ref` of its resource definition. */
  resources: Record<string, { $ref: string }>;
  /** Path in Azure's schema repository (`azure-resource-manager-schemas/schemas/2024-04-01/Microsoft.Web.json`) → the definitions kept from it. */
  documents: Record<string, SchemaDocument>;
}

const SCHEMA_HOST = 'https://schema.management.azure.com/';

/** The document and JSON pointer a `$ref` names, relative to the document it appears in. */
export function documentOfRef(ref: string, from: string): [document: string, pointer: string[]] {
  const [location = '', fragment = ''] = ref.split('#');
  let document = from;
  if (location.startsWith(SCHEMA_HOST)) document = location.slice(SCHEMA_HOST.length);
  else if (location !== '') document = path.posix.join(path.posix.dirname(from), location);
  return [document, fragment.split('/').filter(Boolean)];
}

/** ARM's "template expression" alternative, offered next to nearly every property: Bicep compiles to it. */
export function isExpressionRef(schema: JsonSchema): boolean {
  return schema.$ref === `${SCHEMA_HOST}schemas/common/definitions.json#/definitions/expression`;
}

export class ArmSchemas {
  constructor(readonly data: ArmSchemaData) {}

  static load(): ArmSchemas {
    return new ArmSchemas(JSON.parse(readFileSync(path.join(repositoryRoot, ARM_SCHEMAS_FILE), 'utf8')) as ArmSchemaData);
  }

  resource(type: string, apiVersion: string): { schema: JsonSchema; document: string } | undefined {
    const entry = this.data.resources[`${type}@${apiVersion}`];
    return entry && this.resolve(entry.$ref, '');
  }

  /** The schema a `$ref` points at, and the document it lives in (for its own relative refs). */
  resolve(ref: string, from: string): { schema: JsonSchema; document: string } {
    const [document, pointer] = documentOfRef(ref, from);
    let node: unknown = this.data.documents[document];
    for (const key of pointer) node = (node as Record<string, unknown> | undefined)?.[key];
    if (node === undefined) throw new Error(`${ARM_SCHEMAS_FILE} lacks ${ref} (from ${from || 'the index'}): run infra/schemas/extract.ts`);
    return { schema: node as JsonSchema, document };
  }
}
