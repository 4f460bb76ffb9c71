import { ArmSchemas, isExpressionRef, type JsonSchema } from './armSchemas.js';
import { tokenText, unwrap, type BicepFile, type Node, type ResourceDeclaration, type Token } from './bicepReader.js';
import { parsed, type Sources } from './templates.js';

/**
 * Every resource body the templates declare, validated against Azure Resource Manager's JSON Schema of
 * its type and API version: the version exists, every property name is one the schema knows, literal
 * values have the right type, lie in the enum and match the pattern, and required properties are set.
 * What only deployment knows (parameters, references, function results) is checked as far as its type
 * is known, and never guessed.
 */

/** What a Bicep value is known to be before deployment. */
type Value =
  | { kind: 'object'; entries: Map<string, Value> }
  | { kind: 'array'; items: Value[] }
  | { kind: 'string'; value?: string }
  | { kind: 'number'; value?: number }
  | { kind: 'boolean'; value?: boolean }
  | { kind: 'null' }
  /** One of these at deployment (`cond ? a : b`): each must be valid. */
  | { kind: 'either'; options: Value[] }
  /** The same value spelled in ways the schemas disagree on (a child's name, short or `parent/child`): one must be valid. */
  | { kind: 'spelledEither'; spellings: Value[] }
  | { kind: 'unknown' };

/** Keys a Bicep resource body may hold that are Bicep's own, not the resource's. */
const BICEP_KEYWORDS = new Set(['parent', 'scope', 'dependsOn']);

/** Functions whose result type is known whatever their arguments. */
const FUNCTION_RESULTS: Record<string, Value['kind']> = {
  string: 'string',
  toLower: 'string',
  toUpper: 'string',
  uniqueString: 'string',
  guid: 'string',
  replace: 'string',
  format: 'string',
  substring: 'string',
  trim: 'string',
  subscriptionResourceId: 'string',
  resourceId: 'string',
  int: 'number',
  length: 'number',
  bool: 'boolean',
  empty: 'boolean',
  contains: 'boolean',
};

export interface DeclaredType {
  file: string;
  symbol: string;
  type: string;
  apiVersion: string;
}

export function declaredResourceTypes(sources: Sources): DeclaredType[] {
  return Object.keys(sources).flatMap((file) =>
    parsed(sources, file).resources.map((resource) => ({
      file,
      symbol: resource.symbol,
      type: resource.type,
      apiVersion: resource.apiVersion,
    })),
  );
}

export function checkResourceBodiesAgainstArmSchemas(sources: Sources, schemas: ArmSchemas = ArmSchemas.load()): string[] {
  return Object.keys(sources).flatMap((file) => {
    const bicep = parsed(sources, file);
    return bicep.resources.flatMap((resource) => {
      const where = `${file}:${resource.line} ${resource.symbol} (${resource.type}@${resource.apiVersion})`;
      const known = schemas.data.apiVersions[resource.type];
      if (!known) return [`${where}: no resource type ${resource.type} in Azure's schemas (or infra/schemas/arm-schemas.json lacks it)`];
      if (!known.includes(resource.apiVersion)) {
        return [`${where}: API version ${resource.apiVersion} does not exist for ${resource.type} (latest: ${known.slice(-3).join(', ')})`];
      }
      const definition = schemas.resource(resource.type, resource.apiVersion);
      if (!definition) return [`${where}: infra/schemas/arm-schemas.json lacks this API version: run infra/schemas/extract.ts`];
      if (resource.existing) return [];
      const body = resourceValue(bicep, resource);
      return new Validator(schemas).check(body, definition.schema, definition.document, '').map((problem) => `${where}: ${problem}`);
    });
  });
}

/** The resource as ARM receives it: its body without Bicep's keywords, with type, API version and full name. */
function resourceValue(file: BicepFile, resource: ResourceDeclaration): Value {
  const body = unwrap(resource.value);
  const value = body ? toValue(file, body) : { kind: 'unknown' as const };
  if (value.kind !== 'object') return value;
  const entries = new Map([...value.entries].filter(([key]) => !BICEP_KEYWORDS.has(key)));
  entries.set('type', { kind: 'string', value: resource.type });
  entries.set('apiVersion', { kind: 'string', value: resource.apiVersion });
  // Some schemas check a child's name as ARM's `parent/child`, others as the child's own: either is fine.
  const depth = resource.type.split('/').length - 2;
  const name = entries.get('name');
  if (depth > 0 && name?.kind === 'string' && name.value !== undefined) {
    entries.set('name', { kind: 'spelledEither', spellings: [name, { kind: 'string', value: `${'parent/'.repeat(depth)}${name.value}` }] });
  }
  return { kind: 'object', entries };
}

/** What a Bicep value is known to be: literals and the types of parameters, variables and a few functions. */
function toValue(file: BicepFile, node: Node, seen: ReadonlySet<string> = new Set()): Value {
  switch (node.kind) {
    case 'object':
      return { kind: 'object', entries: new Map([...node.entries].map(([key, inner]) => [key, toValue(file, inner, seen)])) };
    case 'array':
      return { kind: 'array', items: node.items.map((item) => toValue(file, item, seen)) };
    case 'for':
      return { kind: 'array', items: [toValue(file, node.body, seen)] };
    case 'if':
      return toValue(file, node.body, seen);
    case 'string':
      return { kind: 'string', value: node.value };
    case 'expr':
      return expressionValue(file, node.tokens, seen);
  }
}

function expressionValue(file: BicepFile, tokens: Token[], seen: ReadonlySet<string>): Value {
  const words = tokens.filter((token) => token.kind !== 'newline');
  const [first, second] = words;
  const text = tokenText(words);
  const ternary = splitTernary(words);
  if (ternary) {
    return { kind: 'either', options: [expressionValue(file, ternary[0], seen), expressionValue(file, ternary[1], seen)] };
  }
  if (words.length === 1 && first?.kind === 'word') {
    if (/^\d+$/.test(first.text)) return { kind: 'number', value: Number(first.text) };
    if (first.text === 'true' || first.text === 'false') return { kind: 'boolean', value: first.text === 'true' };
    if (first.text === 'null') return { kind: 'null' };
    const param = file.params.get(first.text);
    if (param) return typeOnly(param.type);
    const variable = file.vars.get(first.text);
    if (variable && !seen.has(first.text)) return toValue(file, variable, new Set([...seen, first.text]));
    return { kind: 'unknown' };
  }
  if (words.length === 1 && first?.kind === 'string') return { kind: 'string', value: first.value };
  if (words.length === 2 && first?.kind === 'punct' && first.text === '-' && second?.kind === 'word' && /^\d+$/.test(second.text)) {
    return { kind: 'number', value: -Number(second.text) };
  }
  // A whole expression that is one function call: f( … ) with the closing parenthesis last.
  if (first?.kind === 'word' && second?.kind === 'punct' && second.text === '(' && closesAtEnd(words.slice(1))) {
    const kind = FUNCTION_RESULTS[first.text];
    if (kind) return { kind } as Value;
  }
  // `a * b` of integers is an integer; anything else is not known before deployment.
  if (/^[\w\s*+-]+$/.test(text) && words.some((token) => token.kind === 'punct')) {
    const operands = words.filter((token) => token.kind === 'word').map((token) => expressionValue(file, [token], seen));
    if (operands.every((operand) => operand.kind === 'number')) return { kind: 'number' };
  }
  return { kind: 'unknown' };
}

function typeOnly(type: string): Value {
  if (type === 'string') return { kind: 'string' };
  if (type === 'int') return { kind: 'number' };
  if (type === 'bool') return { kind: 'boolean' };
  return { kind: 'unknown' };
}

/** `cond ? a : b` at the top level of an expression, as its two branches. */
function splitTernary(tokens: Token[]): [Token[], Token[]] | undefined {
  let depth = 0;
  let question = -1;
  for (const [index, token] of tokens.entries()) {
    if (token.kind !== 'punct') continue;
    if (['(', '[', '{'].includes(token.text)) depth += 1;
    else if ([')', ']', '}'].includes(token.text)) depth -= 1;
    else if (depth === 0 && token.text === '?' && question < 0) question = index;
    else if (depth === 0 && token.text === ':' && question >= 0) return [tokens.slice(question + 1, index), tokens.slice(index + 1)];
  }
  return undefined;
}

function closesAtEnd(tokens: Token[]): boolean {
  let depth = 0;
  for (const [index, token] of tokens.entries()) {
    if (token.kind !== 'punct') continue;
    if (token.text === '(') depth += 1;
    if (token.text === ')' && --depth === 0) return index === tokens.length - 1;
  }
  return false;
}

/** One way a value may satisfy a schema: oneOf/anyOf branches each give one, allOf parts are merged in. */
interface Shape {
  types?: string[];
  enums: unknown[][];
  patterns: string[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  properties: Map<string, Located[]>;
  required: Set<string>;
  additional: Located[];
  /** Some branch declared `additionalProperties`, or the object is free-form (no `properties` at all). */
  openObject: boolean;
  declaresProperties: boolean;
  items: Located[];
}

interface Located {
  schema: JsonSchema;
  document: string;
}

class Validator {
  constructor(private readonly schemas: ArmSchemas) {}

  check(value: Value, schema: JsonSchema, document: string, at: string): string[] {
    if (value.kind === 'unknown' || value.kind === 'null') return [];
    if (value.kind === 'either') return [...new Set(value.options.flatMap((option) => this.check(option, schema, document, at)))];
    if (value.kind === 'spelledEither') {
      const results = value.spellings.map((spelling) => this.check(spelling, schema, document, at));
      return results.some((problems) => problems.length === 0) ? [] : results[0]!;
    }
    let best: string[] | undefined;
    for (const shape of this.shapes(schema, document)) {
      const problems = this.checkShape(value, shape, at);
      if (problems.length === 0) return [];
      if (!best || problems.length < best.length) best = problems;
    }
    return best ?? [];
  }

  private shapes(schema: JsonSchema, document: string, depth = 0): Shape[] {
    if (depth > 20) throw new Error(`schema nesting too deep near ${document}`);
    if (schema.$ref) {
      const target = this.schemas.resolve(schema.$ref, document);
      return this.shapes(target.schema, target.document, depth + 1);
    }
    let shapes = [this.ownShape(schema, document)];
    for (const part of schema.allOf ?? []) {
      const partShapes = this.shapes(part, document, depth + 1);
      shapes = shapes.flatMap((shape) => partShapes.map((other) => mergeShapes(shape, other)));
    }
    const branches = (schema.oneOf ?? schema.anyOf ?? []).filter((branch) => !isExpressionRef(branch));
    if (branches.length > 0) {
      const branchShapes = branches.flatMap((branch) => this.shapes(branch, document, depth + 1));
      shapes = shapes.flatMap((shape) => branchShapes.map((branch) => mergeShapes(shape, branch)));
    }
    return shapes;
  }

  private ownShape(schema: JsonSchema, document: string): Shape {
    const additional = schema.additionalProperties;
    return {
      types: schema.type === undefined ? undefined : [schema.type].flat(),
      enums: schema.enum ? [schema.enum] : [],
      patterns: schema.pattern ? [schema.pattern] : [],
      minLength: schema.minLength,
      maxLength: schema.maxLength,
      minimum: schema.minimum,
      maximum: schema.maximum,
      properties: new Map(Object.entries(schema.properties ?? {}).map(([key, inner]) => [key, [{ schema: inner, document }]])),
      required: new Set(schema.required ?? []),
      additional: typeof additional === 'object' ? [{ schema: additional, document }] : [],
      openObject: additional === true || typeof additional === 'object',
      declaresProperties: schema.properties !== undefined,
      items: schema.items ? [{ schema: schema.items, document }] : [],
    };
  }

  private checkShape(value: Value, shape: Shape, at: string): string[] {
    const where = at || 'the resource';
    const kind = valueType(value);
    if (shape.types && kind && !shape.types.some((type) => type === kind || (type === 'integer' && kind === 'number'))) {
      return [`${where}: expected ${shape.types.join(' or ')}, found ${kind}${describe(value)}`];
    }
    const problems: string[] = [];
    const literalValue = value.kind === 'string' || value.kind === 'number' || value.kind === 'boolean' ? value.value : undefined;
    if (literalValue !== undefined) {
      for (const allowed of shape.enums) {
        if (!allowed.includes(literalValue)) {
          problems.push(
            `${where}: ${JSON.stringify(literalValue)} is not one of ${allowed.map((option) => JSON.stringify(option)).join(', ')}`,
          );
        }
      }
    }
    if (value.kind === 'string' && value.value !== undefined) {
      for (const pattern of shape.patterns) {
        if (!new RegExp(pattern).test(value.value)) problems.push(`${where}: ${JSON.stringify(value.value)} does not match ${pattern}`);
      }
      if (shape.minLength !== undefined && value.value.length < shape.minLength) problems.push(`${where}: shorter than ${shape.minLength}`);
      if (shape.maxLength !== undefined && value.value.length > shape.maxLength) problems.push(`${where}: longer than ${shape.maxLength}`);
    }
    if (value.kind === 'number' && value.value !== undefined) {
      if (shape.minimum !== undefined && value.value < shape.minimum) problems.push(`${where}: ${value.value} is below ${shape.minimum}`);
      if (shape.maximum !== undefined && value.value > shape.maximum) problems.push(`${where}: ${value.value} is above ${shape.maximum}`);
    }
    if (value.kind === 'object') problems.push(...this.checkObject(value, shape, at));
    if (value.kind === 'array') {
      for (const [index, item] of value.items.entries()) {
        for (const items of shape.items) problems.push(...this.check(item, items.schema, items.document, `${at}[${index}]`));
      }
    }
    return problems;
  }

  private checkObject(value: Extract<Value, { kind: 'object' }>, shape: Shape, at: string): string[] {
    const problems: string[] = [];
    const prefix = at ? `${at}.` : '';
    for (const required of shape.required) {
      if (value.entries.has(required)) continue;
      // The schemas mark some objects required that ARM (and Bicep's own types) accept absent: an absent
      // object is an empty one, so it is missing only if an empty object would not do.
      const declared = shape.properties.get(required) ?? [];
      const empty: Value = { kind: 'object', entries: new Map() };
      const emptyWillDo =
        declared.length > 0 && declared.every((located) => this.check(empty, located.schema, located.document, '').length === 0);
      if (!emptyWillDo) problems.push(`${prefix}${required}: required, not set`);
    }
    const freeForm = shape.openObject || !shape.declaresProperties;
    for (const [key, inner] of value.entries) {
      const declared = shape.properties.get(key);
      if (declared) {
        for (const located of declared) problems.push(...this.check(inner, located.schema, located.document, `${prefix}${key}`));
      } else if (shape.additional.length > 0) {
        for (const located of shape.additional) problems.push(...this.check(inner, located.schema, located.document, `${prefix}${key}`));
      } else if (!freeForm) {
        const known = [...shape.properties.keys()].sort().join(', ');
        problems.push(`${prefix}${key}: no such property (known: ${known})`);
      }
    }
    return problems;
  }
}

function mergeShapes(a: Shape, b: Shape): Shape {
  const properties = new Map(a.properties);
  for (const [key, located] of b.properties) properties.set(key, [...(properties.get(key) ?? []), ...located]);
  return {
    types: a.types && b.types ? a.types.filter((type) => b.types!.includes(type)) : (a.types ?? b.types),
    enums: [...a.enums, ...b.enums],
    patterns: [...a.patterns, ...b.patterns],
    minLength: b.minLength ?? a.minLength,
    maxLength: b.maxLength ?? a.maxLength,
    minimum: b.minimum ?? a.minimum,
    maximum: b.maximum ?? a.maximum,
    properties,
    required: new Set([...a.required, ...b.required]),
    additional: [...a.additional, ...b.additional],
    openObject: a.openObject || b.openObject,
    declaresProperties: a.declaresProperties || b.declaresProperties,
    items: [...a.items, ...b.items],
  };
}

function valueType(value: Value): string | undefined {
  switch (value.kind) {
    case 'object':
    case 'array':
    case 'string':
    case 'number':
    case 'boolean':
      return value.kind;
    default:
      return undefined;
  }
}

function describe(value: Value): string {
  return (value.kind === 'string' || value.kind === 'number' || value.kind === 'boolean') && value.value !== undefined
    ? ` ${JSON.stringify(value.value)}`
    : '';
}
