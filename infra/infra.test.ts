import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, loadConfig } from '../shared/config.js';
import { PIPELINE_STEPS } from '../shared/pipeline/pipelineContract.js';
import { CONTAINERS, PROCESSING_QUEUE } from '../shared/storage/blobPaths.js';

/**
 * What can be checked of the Bicep templates without the Bicep compiler (unreachable on these machines):
 * the templates are parsed here, just far enough to read declarations, object keys, string literals,
 * loops and role assignments, and compared with what the code reads and uses. Each check returns its
 * problems so that the same check can be shown to fail on a copy of the templates with one line changed.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Variables of shared/config.ts that production leaves to the code, each with why.
 */
const LEFT_TO_THE_CODE: ReadonlyMap<string, string> = new Map([
  // A connection string, i.e. an account key (or Azurite). The data account refuses shared-key access:
  // production connects with the identity-based DataStorage__* settings instead.
  ['DataStorage', 'connection string; production uses DataStorage__* with the managed identity'],
  // Defaults to the instance's core count (os.availableParallelism()), which follows the Flex
  // Consumption instance size; any fixed number would be wrong for the other sizes.
  ['SHARP_CONCURRENCY', 'the default follows the instance size'],
  // Five connections per instance: the default keeps the maximum instance count well under the server's limit.
  ['DATABASE_POOL_SIZE', 'the default suits one Flex Consumption instance'],
]);

/** Settings whose value is a secret: Key Vault references only, never a literal or a plain parameter. */
const SECRET_SETTINGS = ['DATABASE_URL', 'AUTH_JWT_SECRET', 'CURSOR_SECRET'];

/** Built-in role definition ids (the same for every tenant). */
const ROLE_IDS = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
} as const;
type RoleName = keyof typeof ROLE_IDS;

const DATA_ACCOUNT = 'Microsoft.Storage/storageAccounts from app/data-storage.bicep';
const HOST_ACCOUNT = 'Microsoft.Storage/storageAccounts from app/host-storage.bicep';
const APP_INSIGHTS = 'Microsoft.Insights/components from app/monitoring.bicep';

/** What the Function App's identity must hold, where, and why the code needs it. */
const REQUIRED_APP_ROLES: { target: string; anyOf: RoleName[]; why: string }[] = [
  {
    target: DATA_ACCOUNT,
    // Both include blobServices/generateUserDelegationKey/action, which user delegation SAS needs.
    anyOf: ['storageBlobDataContributor', 'storageBlobDataOwner'],
    why: 'read originals, write processed/ and thumbnails/, delete blobs, sign user delegation SAS',
  },
  { target: DATA_ACCOUNT, anyOf: ['storageQueueDataContributor'], why: `the ${PROCESSING_QUEUE} queue and its poison queue` },
  { target: HOST_ACCOUNT, anyOf: ['storageBlobDataOwner'], why: 'identity-based AzureWebJobsStorage' },
  { target: HOST_ACCOUNT, anyOf: ['storageQueueDataContributor'], why: 'Durable Functions task hub queues' },
  { target: HOST_ACCOUNT, anyOf: ['storageTableDataContributor'], why: 'Durable Functions task hub tables' },
  { target: APP_INSIGHTS, anyOf: ['monitoringMetricsPublisher'], why: 'telemetry with local auth disabled' },
];

// ---------------------------------------------------------------------------------------------------
// A small Bicep reader: tokens, then values (objects, arrays, strings, loops, conditions, and any other
// expression kept as its tokens), then the file's declarations. It throws on what it does not know.

type Token =
  | { kind: 'string'; value: string | undefined; raw: string }
  | { kind: 'word'; text: string }
  | { kind: 'punct'; text: string }
  | { kind: 'newline' };

type Node =
  | { kind: 'object'; entries: Map<string, Node>; resources: ResourceDeclaration[] }
  | { kind: 'array'; items: Node[] }
  | { kind: 'string'; value: string | undefined; raw: string }
  | { kind: 'for'; variable: string; source: Node; body: Node }
  | { kind: 'if'; body: Node }
  | { kind: 'expr'; tokens: Token[]; text: string };

interface ResourceDeclaration {
  symbol: string;
  type: string;
  existing: boolean;
  value: Node;
}

interface BicepFile {
  file: string;
  params: Map<string, { type: string; defaultValue?: Node }>;
  vars: Map<string, Node>;
  resources: ResourceDeclaration[];
  modules: Map<string, { path: string; value: Node }>;
  outputs: Map<string, Node>;
}

const TWO_CHARACTER_PUNCTUATION = ['::', '??', '==', '!=', '>=', '<=', '&&', '||', '.?'];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < source.length) {
    const char = source[at]!;
    if (char === '\n') {
      tokens.push({ kind: 'newline' });
      at += 1;
    } else if (/\s/.test(char)) {
      at += 1;
    } else if (source.startsWith('//', at)) {
      while (at < source.length && source[at] !== '\n') at += 1;
    } else if (source.startsWith('/*', at)) {
      const end = source.indexOf('*/', at + 2);
      if (end < 0) throw new Error('unterminated comment');
      at = end + 2;
    } else if (source.startsWith("'''", at)) {
      // Multi-line strings have neither escapes nor interpolation; a newline right after ''' is dropped.
      const end = source.indexOf("'''", at + 3);
      if (end < 0) throw new Error('unterminated multi-line string');
      tokens.push({ kind: 'string', value: source.slice(at + 3, end).replace(/^\r?\n/, ''), raw: source.slice(at, end + 3) });
      at = end + 3;
    } else if (char === "'") {
      const { end, value } = readString(source, at);
      tokens.push({ kind: 'string', value, raw: source.slice(at, end) });
      at = end;
    } else if (/\w/.test(char)) {
      let end = at;
      while (end < source.length && /\w/.test(source[end]!)) end += 1;
      tokens.push({ kind: 'word', text: source.slice(at, end) });
      at = end;
    } else {
      const pair = source.slice(at, at + 2);
      const text = TWO_CHARACTER_PUNCTUATION.includes(pair) ? pair : char;
      tokens.push({ kind: 'punct', text });
      at += text.length;
    }
  }
  return tokens;
}

/** A single-quoted string: `\` escapes, `${…}` interpolation (its value is then unknown here). */
function readString(source: string, start: number): { end: number; value: string | undefined } {
  const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t' };
  let at = start + 1;
  let value = '';
  let interpolated = false;
  while (at < source.length) {
    const char = source[at]!;
    if (char === '\\') {
      const next = source[at + 1] ?? '';
      value += escapes[next] ?? next;
      at += 2;
    } else if (char === "'") {
      return { end: at + 1, value: interpolated ? undefined : value };
    } else if (char === '$' && source[at + 1] === '{') {
      interpolated = true;
      at = skipInterpolation(source, at + 2);
    } else if (char === '\n') {
      throw new Error(`line break inside a string: ${source.slice(start, at)}`);
    } else {
      value += char;
      at += 1;
    }
  }
  throw new Error('unterminated string');
}

function skipInterpolation(source: string, start: number): number {
  let depth = 1;
  let at = start;
  while (at < source.length) {
    const char = source[at]!;
    if (char === "'") {
      at = readString(source, at).end;
      continue;
    }
    if (char === '{') depth += 1;
    if (char === '}' && --depth === 0) return at + 1;
    at += 1;
  }
  throw new Error('unterminated interpolation');
}

function tokenText(tokens: Token[]): string {
  return tokens
    .filter((token) => token.kind !== 'newline')
    .map((token) => (token.kind === 'string' ? token.raw : token.text))
    .join(' ')
    .replace(/ ?([.(),\[\]]|::) ?/g, '$1')
    .replace(/,/g, ', ');
}

class BicepReader {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.at + offset];
  }

  private isPunct(text: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token?.kind === 'punct' && token.text === text;
  }

  private isWord(text?: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token?.kind === 'word' && (text === undefined || token.text === text);
  }

  private take(): Token {
    const token = this.tokens[this.at];
    if (!token) throw new Error('unexpected end of file');
    this.at += 1;
    return token;
  }

  private expectPunct(text: string): void {
    const token = this.take();
    if (token.kind !== 'punct' || token.text !== text) throw new Error(`expected "${text}", found ${JSON.stringify(token)}`);
  }

  private word(): string {
    const token = this.take();
    if (token.kind !== 'word') throw new Error(`expected a name, found ${JSON.stringify(token)}`);
    return token.text;
  }

  private string(): string {
    const token = this.take();
    if (token.kind !== 'string' || token.value === undefined) throw new Error(`expected a string, found ${JSON.stringify(token)}`);
    return token.value;
  }

  private skipNewlines(): void {
    while (this.peek()?.kind === 'newline') this.at += 1;
  }

  /** Tokens up to (not including) a newline, comma or unmatched closing bracket, or `stop` at depth 0. */
  private expressionTokens(stop?: string): Token[] {
    const collected: Token[] = [];
    let depth = 0;
    for (let token = this.peek(); token; token = this.peek()) {
      if (token.kind === 'punct') {
        if (depth === 0 && (token.text === ',' || token.text === stop || ['}', ']', ')'].includes(token.text))) break;
        if (['{', '[', '('].includes(token.text)) depth += 1;
        if (['}', ']', ')'].includes(token.text)) depth -= 1;
      }
      if (token.kind === 'newline' && depth === 0) break;
      collected.push(this.take());
    }
    if (collected.length === 0) throw new Error(`expected a value, found ${JSON.stringify(this.peek())}`);
    return collected;
  }

  value(): Node {
    if (this.isPunct('{')) return this.object();
    if (this.isPunct('[')) {
      let ahead = 1;
      while (this.peek(ahead)?.kind === 'newline') ahead += 1;
      return this.isWord('for', ahead) ? this.loop() : this.array();
    }
    if (this.isWord('if') && this.isPunct('(', 1)) {
      this.take();
      this.expectPunct('(');
      this.expressionTokens(')');
      this.expectPunct(')');
      return { kind: 'if', body: this.value() };
    }
    const tokens = this.expressionTokens();
    const [only] = tokens;
    if (tokens.length === 1 && only?.kind === 'string') return { kind: 'string', value: only.value, raw: only.raw };
    return { kind: 'expr', tokens, text: tokenText(tokens) };
  }

  private object(): Node {
    this.expectPunct('{');
    const entries = new Map<string, Node>();
    const resources: ResourceDeclaration[] = [];
    for (;;) {
      while (this.peek()?.kind === 'newline' || this.isPunct(',')) this.at += 1;
      if (this.isPunct('}')) {
        this.take();
        return { kind: 'object', entries, resources };
      }
      if (this.isWord('resource') && this.isWord(undefined, 1) && this.peek(2)?.kind === 'string') {
        this.take();
        resources.push(this.resource());
        continue;
      }
      const key = this.take();
      if (key.kind === 'word') entries.set(key.text, this.entryValue());
      else if (key.kind === 'string') entries.set(key.value ?? key.raw, this.entryValue());
      else throw new Error(`expected a property name, found ${JSON.stringify(key)}`);
    }
  }

  private entryValue(): Node {
    this.expectPunct(':');
    return this.value();
  }

  private array(): Node {
    this.expectPunct('[');
    const items: Node[] = [];
    for (;;) {
      while (this.peek()?.kind === 'newline' || this.isPunct(',')) this.at += 1;
      if (this.isPunct(']')) {
        this.take();
        return { kind: 'array', items };
      }
      items.push(this.value());
    }
  }

  private loop(): Node {
    this.expectPunct('[');
    this.skipNewlines();
    this.word(); // for
    const variable = this.word();
    if (this.word() !== 'in') throw new Error('expected "in" in a for expression');
    const source = new BicepReader(this.expressionTokens(':')).value();
    this.expectPunct(':');
    const body = this.value();
    this.skipNewlines();
    this.expectPunct(']');
    return { kind: 'for', variable, source, body };
  }

  private resource(): ResourceDeclaration {
    const symbol = this.word();
    const type = this.string().split('@')[0]!;
    const existing = this.isWord('existing');
    if (existing) this.take();
    this.expectPunct('=');
    return { symbol, type, existing, value: this.value() };
  }

  file(name: string): BicepFile {
    const file: BicepFile = { file: name, params: new Map(), vars: new Map(), resources: [], modules: new Map(), outputs: new Map() };
    for (;;) {
      this.skipNewlines();
      if (!this.peek()) return file;
      if (this.isPunct('@')) {
        this.take();
        this.word();
        if (this.isPunct('(')) {
          this.take();
          if (!this.isPunct(')')) this.expressionTokens(')');
          this.expectPunct(')');
        }
        continue;
      }
      const keyword = this.word();
      if (keyword === 'targetScope') {
        this.expectPunct('=');
        this.value();
      } else if (keyword === 'param') {
        const name = this.word();
        const type = tokenText(this.expressionTokens('='));
        let defaultValue: Node | undefined;
        if (this.isPunct('=')) {
          this.take();
          defaultValue = this.value();
        }
        file.params.set(name, { type, defaultValue });
      } else if (keyword === 'var') {
        const name = this.word();
        this.expectPunct('=');
        file.vars.set(name, this.value());
      } else if (keyword === 'resource') {
        file.resources.push(...flatten(this.resource()));
      } else if (keyword === 'module') {
        const symbol = this.word();
        const modulePath = this.string();
        this.expectPunct('=');
        file.modules.set(symbol, { path: modulePath, value: this.value() });
      } else if (keyword === 'output') {
        const name = this.word();
        this.expressionTokens('=');
        this.expectPunct('=');
        file.outputs.set(name, this.value());
      } else {
        throw new Error(`${name}: unsupported declaration "${keyword}"`);
      }
    }
  }
}

/** A resource and the child resources declared in its body, with their full types. */
function flatten(resource: ResourceDeclaration): ResourceDeclaration[] {
  const body = unwrap(resource.value);
  const children = body?.kind === 'object' ? body.resources : [];
  return [
    resource,
    ...children.flatMap((child) =>
      flatten({ ...child, symbol: `${resource.symbol}::${child.symbol}`, type: `${resource.type}/${child.type}` }),
    ),
  ];
}

function parseBicep(file: string, source: string): BicepFile {
  return new BicepReader(tokenize(source)).file(file);
}

/** The object a resource or module declares, through its `if (…)` or `[for …]`. */
function unwrap(node: Node): Node | undefined {
  if (node.kind === 'if' || node.kind === 'for') return unwrap(node.body);
  return node;
}

function get(node: Node | undefined, dottedPath: string): Node | undefined {
  let current = node && unwrap(node);
  for (const key of dottedPath.split('.')) {
    if (current?.kind !== 'object') return undefined;
    const next = current.entries.get(key);
    current = next && unwrap(next);
  }
  return current;
}

function textOf(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  if (node.kind === 'expr') return node.text;
  if (node.kind === 'string') return node.raw;
  return undefined;
}

/** The literal a value stands for: a string, a number or bool, a parameter default, a var, or string(x). */
function literal(file: BicepFile, node: Node | undefined): string | undefined {
  if (!node) return undefined;
  if (node.kind === 'string') return node.value;
  if (node.kind !== 'expr') return undefined;
  const words = node.tokens.filter((token) => token.kind !== 'newline');
  const [first, second, third, fourth] = words;
  if (words.length === 1 && first?.kind === 'word') {
    if (/^\d+$/.test(first.text) || first.text === 'true' || first.text === 'false') return first.text;
    const param = file.params.get(first.text);
    if (param) return literal(file, param.defaultValue);
    return literal(file, file.vars.get(first.text));
  }
  const isStringCall = first?.kind === 'word' && first.text === 'string' && second?.kind === 'punct' && second.text === '(';
  if (words.length === 4 && isStringCall && third?.kind === 'word' && fourth?.kind === 'punct' && fourth.text === ')') {
    return literal(file, { kind: 'expr', tokens: [third], text: third.text });
  }
  return undefined;
}

/** The strings a list stands for: an array literal, or a var or parameter holding one. */
function literalList(file: BicepFile, node: Node | undefined): string[] {
  if (!node) return [];
  if (node.kind === 'array') return node.items.map((item) => literal(file, item) ?? `<${textOf(item)}>`);
  const reference = textOf(node);
  if (reference && file.vars.has(reference)) return literalList(file, file.vars.get(reference));
  if (reference && file.params.has(reference)) return literalList(file, file.params.get(reference)?.defaultValue);
  return [];
}

/** Names a resource type is declared with in a file, loops expanded. */
function declaredNames(file: BicepFile, type: string): string[] {
  return file.resources
    .filter((resource) => resource.type === type)
    .flatMap((resource) => {
      const loop = resource.value.kind === 'for' ? resource.value : undefined;
      const name = get(resource.value, 'name');
      if (loop && textOf(name) === loop.variable) return literalList(file, loop.source);
      const single = literal(file, name);
      return single === undefined ? [] : [single];
    });
}

// ---------------------------------------------------------------------------------------------------
// The checks. Each reads the templates from `Sources` and returns what is wrong.

type Sources = Record<string, string>;

const TEMPLATE_FILES = [
  'infra/main.bicep',
  'infra/app/api.bicep',
  'infra/app/data-storage.bicep',
  'infra/app/host-storage.bicep',
  'infra/app/key-vault.bicep',
  'infra/app/rbac.bicep',
  'infra/app/alerts.bicep',
  'infra/app/blob-events.bicep',
  'infra/app/database.bicep',
];

function readSources(): Sources {
  return Object.fromEntries(TEMPLATE_FILES.map((file) => [file, readFileSync(path.join(root, file), 'utf8')]));
}

function parsed(sources: Sources, file: string): BicepFile {
  const source = sources[file];
  if (source === undefined) throw new Error(`${file} is not among the sources`);
  return parseBicep(file, source);
}

/** The product settings main.bicep passes to the Function App module. */
function appSettings(sources: Sources): { main: BicepFile; settings: Map<string, Node> } {
  const main = parsed(sources, 'infra/main.bicep');
  const apiModule = [...main.modules.values()].find((module) => module.path === 'app/api.bicep');
  const settings = get(apiModule?.value, 'params.appSettings');
  if (settings?.kind !== 'object') throw new Error('main.bicep passes no appSettings object to app/api.bicep');
  return { main, settings: settings.entries };
}

function checkEveryConfigVariableIsSet(sources: Sources): string[] {
  const { settings } = appSettings(sources);
  const problems: string[] = [];
  for (const variable of CONFIG_VARIABLES) {
    if (LEFT_TO_THE_CODE.has(variable)) {
      if (settings.has(variable)) problems.push(`${variable} is set although it is listed as left to the code`);
    } else if (!settings.has(variable)) {
      problems.push(`${variable} is read by shared/config.ts but not set by infra/main.bicep`);
    }
  }
  for (const variable of LEFT_TO_THE_CODE.keys()) {
    if (!(CONFIG_VARIABLES as readonly string[]).includes(variable)) problems.push(`${variable} is excluded but no longer read`);
  }
  // A setting nothing reads is a leftover: the code's variables, plus the identity settings of a binding
  // connection that the Functions host reads (`<connection>__credential`).
  for (const name of settings.keys()) {
    const read = (CONFIG_VARIABLES as readonly string[]).includes(name) || name.endsWith('__credential');
    if (!read) problems.push(`${name} is set by infra/main.bicep but shared/config.ts no longer reads it`);
  }
  return problems;
}

/** Stand-ins for values only known at deployment, to run the loader over everything else. */
const DEPLOYMENT_TIME_EXAMPLES: Record<string, string> = {
  DATABASE_URL: 'postgresql://detour_app:secret@psql-example.postgres.database.azure.com:5432/detour?sslmode=verify-full',
  DataStorage__blobServiceUri: 'https://stdataexample.blob.core.windows.net/',
  DataStorage__queueServiceUri: 'https://stdataexample.queue.core.windows.net/',
  DataStorage__credential: 'managedidentity',
  DataStorage__clientId: '00000000-0000-0000-0000-000000000000',
  AUTH_JWT_SECRET: 'x'.repeat(48),
  CURSOR_SECRET: 'y'.repeat(48),
  REMOVER_URL: 'https://remover.example.com/remove',
  PUBLIC_BASE_URL: 'https://func-api-example.azurewebsites.net',
};

function checkSettingValuesPassTheLoader(sources: Sources): string[] {
  const { main, settings } = appSettings(sources);
  const environment: Record<string, string> = {};
  const problems: string[] = [];
  for (const [name, node] of settings) {
    const value = literal(main, node) ?? DEPLOYMENT_TIME_EXAMPLES[name];
    if (value === undefined) problems.push(`${name}: no literal value and no example to check it with (${textOf(node)})`);
    else environment[name] = value;
  }
  try {
    const config = loadConfig(environment);
    if (!config.isProduction) problems.push('DETOUR_ENV is not production');
  } catch (error) {
    problems.push(String(error));
  }
  return problems;
}

/** The connections the bindings name (functions/*.ts), each identity-based in the settings. */
function checkBindingConnections(sources: Sources, functionSources: string[]): string[] {
  const { settings, main } = appSettings(sources);
  const connections = new Set(
    functionSources.flatMap((source) => [...source.matchAll(/connection:\s*['"]([\w]+)['"]/g)].map((match) => match[1]!)),
  );
  connections.add('DataStorage');
  const problems: string[] = [];
  for (const connection of connections) {
    if (settings.has(connection)) problems.push(`${connection} is a connection string setting; use ${connection}__* with the identity`);
    if (literal(main, settings.get(`${connection}__credential`)) !== 'managedidentity')
      problems.push(`${connection}__credential is not managedidentity`);
    if (!settings.has(`${connection}__clientId`)) problems.push(`${connection}__clientId is missing (user-assigned identity)`);
    if (!settings.has(`${connection}__blobServiceUri`)) problems.push(`${connection}__blobServiceUri is missing`);
    if (!settings.has(`${connection}__queueServiceUri`)) problems.push(`${connection}__queueServiceUri is missing`);
  }
  const identityClientId = textOf(settings.get('DataStorage__clientId'));
  const apiIdentity = textOf(
    get([...main.modules.values()].find((module) => module.path === 'app/api.bicep')?.value, 'params.identityClientId'),
  );
  if (identityClientId !== apiIdentity) problems.push('DataStorage__clientId is not the identity the Function App runs with');
  return problems;
}

function checkHostSettings(sources: Sources): string[] {
  const api = parsed(sources, 'infra/app/api.bicep');
  const host = api.vars.get('hostSettings');
  if (host?.kind !== 'object') return ['api.bicep has no hostSettings object'];
  const problems: string[] = [];
  for (const service of ['blob', 'queue', 'table']) {
    if (!host.entries.has(`AzureWebJobsStorage__${service}ServiceUri`))
      problems.push(`AzureWebJobsStorage__${service}ServiceUri is missing (Durable needs blob, queue and table)`);
  }
  if (literal(api, host.entries.get('AzureWebJobsStorage__credential')) !== 'managedidentity')
    problems.push('AzureWebJobsStorage__credential is not managedidentity');
  if (!host.entries.has('AzureWebJobsStorage__clientId')) problems.push('AzureWebJobsStorage__clientId is missing');
  if (host.entries.has('AzureWebJobsStorage')) problems.push('AzureWebJobsStorage is a connection string');
  if (!host.entries.has('APPLICATIONINSIGHTS_AUTHENTICATION_STRING')) problems.push('telemetry is not Entra-authenticated');
  const settingsResource = api.resources.find(
    (resource) => resource.type === 'Microsoft.Web/sites/config' && literal(api, get(resource.value, 'name')) === 'appsettings',
  );
  if (textOf(get(settingsResource?.value, 'properties')) !== 'union(appSettings, hostSettings)')
    problems.push('the appsettings resource does not merge appSettings and hostSettings');
  return problems;
}

/** Which Key Vault secret an app setting references (by the key-vault.bicep output it interpolates). */
function referencedSecret(sources: Sources, node: Node | undefined): string | undefined {
  if (node?.kind !== 'string' || !node.raw.startsWith("'@Microsoft.KeyVault(SecretUri=")) return undefined;
  const output = /keyVault\.outputs\.(\w+)/.exec(node.raw)?.[1];
  const keyVault = parsed(sources, 'infra/app/key-vault.bicep');
  const symbol = output && /^(\w+)\.properties\.secretUri/.exec(textOf(keyVault.outputs.get(output)) ?? '')?.[1];
  const secret = keyVault.resources.find((resource) => resource.symbol === symbol && resource.type === 'Microsoft.KeyVault/vaults/secrets');
  return secret && literal(keyVault, get(secret.value, 'name'));
}

interface RoleGrant {
  symbol: string;
  roleId: string | undefined;
  target: string;
  principal: string | undefined;
}

/** Role assignments of rbac.bicep, each with the resource it is scoped to, traced back through main.bicep. */
function roleGrants(sources: Sources): RoleGrant[] {
  const rbac = parsed(sources, 'infra/app/rbac.bicep');
  const main = parsed(sources, 'infra/main.bicep');
  const rbacModule = [...main.modules.values()].find((module) => module.path === 'app/rbac.bicep');
  const roleVar = rbac.vars.get('roles');

  const describeTarget = (symbol: string | undefined): string => {
    const resource = rbac.resources.find((candidate) => candidate.symbol === symbol);
    if (!resource) return `unknown scope ${symbol}`;
    const name = get(resource.value, 'name');
    if (resource.type === 'Microsoft.KeyVault/vaults/secrets') return `secret:${literal(rbac, name)}`;
    const passed = textOf(get(rbacModule?.value, `params.${textOf(name)}`));
    const moduleSymbol = passed?.split('.')[0];
    return `${resource.type} from ${main.modules.get(moduleSymbol ?? '')?.path ?? `<${passed}>`}`;
  };

  return rbac.resources
    .filter((resource) => resource.type === 'Microsoft.Authorization/roleAssignments')
    .map((resource) => {
      const definition = textOf(get(resource.value, 'properties.roleDefinitionId')) ?? '';
      const roleKey = /roles\.(\w+)/.exec(definition)?.[1];
      const roleNode = roleVar?.kind === 'object' && roleKey ? roleVar.entries.get(roleKey) : undefined;
      return {
        symbol: resource.symbol,
        roleId: literal(rbac, roleNode),
        target: describeTarget(textOf(get(resource.value, 'scope'))),
        principal: textOf(get(resource.value, 'properties.principalId')),
      };
    });
}

function checkAppRoles(sources: Sources): string[] {
  const main = parsed(sources, 'infra/main.bicep');
  const rbacModule = [...main.modules.values()].find((module) => module.path === 'app/rbac.bicep');
  const apiModule = [...main.modules.values()].find((module) => module.path === 'app/api.bicep');
  const problems: string[] = [];
  if (textOf(get(rbacModule?.value, 'params.appPrincipalId')) !== 'identity.outputs.principalId')
    problems.push("rbac.bicep is not given the identity's principal");
  if (textOf(get(apiModule?.value, 'params.identityId')) !== 'identity.outputs.resourceId')
    problems.push('the Function App does not run with that identity');

  const appGrants = roleGrants(sources).filter((grant) => grant.principal === 'appPrincipalId');
  for (const required of REQUIRED_APP_ROLES) {
    const ids = required.anyOf.map((role) => ROLE_IDS[role]);
    if (!appGrants.some((grant) => grant.target === required.target && ids.includes(grant.roleId as (typeof ids)[number]))) {
      problems.push(`missing ${required.anyOf.join(' or ')} on ${required.target} (${required.why})`);
    }
  }

  // Key Vault: exactly the secrets the settings reference, never the whole vault.
  const { settings } = appSettings(sources);
  const referenced = new Set<string>();
  for (const name of SECRET_SETTINGS) {
    const secret = referencedSecret(sources, settings.get(name));
    if (secret) referenced.add(secret);
    else problems.push(`${name} is not a Key Vault reference`);
  }
  const readable = new Set(appGrants.filter((grant) => grant.roleId === ROLE_IDS.keyVaultSecretsUser).map((grant) => grant.target));
  for (const secret of referenced) {
    if (!readable.has(`secret:${secret}`)) problems.push(`the app cannot read the secret ${secret} it references`);
  }
  for (const target of readable) {
    if (!target.startsWith('secret:') || !referenced.has(target.slice('secret:'.length)))
      problems.push(`the app may read ${target}, which it does not reference`);
  }
  return problems;
}

function checkDataStorage(sources: Sources): string[] {
  const data = parsed(sources, 'infra/app/data-storage.bicep');
  const problems: string[] = [];
  const containers = declaredNames(data, 'Microsoft.Storage/storageAccounts/blobServices/containers');
  for (const container of Object.values(CONTAINERS)) {
    if (!containers.includes(container)) problems.push(`container ${container} (shared/storage/blobPaths.ts) is not created`);
  }
  const queues = declaredNames(data, 'Microsoft.Storage/storageAccounts/queueServices/queues');
  for (const queue of [PROCESSING_QUEUE, `${PROCESSING_QUEUE}-poison`]) {
    if (!queues.includes(queue)) problems.push(`queue ${queue} is not created`);
  }

  const lifecycle = data.resources.find((resource) => resource.type === 'Microsoft.Storage/storageAccounts/managementPolicies');
  const rules = get(lifecycle?.value, 'properties.policy.rules');
  const coolRule = rules?.kind === 'array' ? rules.items.find((rule) => get(rule, 'definition.actions.baseBlob.tierToCool')) : undefined;
  const prefixes = literalList(data, get(coolRule, 'definition.filters.prefixMatch'));
  for (const container of [CONTAINERS.originals, CONTAINERS.processed]) {
    if (!prefixes.includes(`${container}/`)) problems.push(`${container}/ does not move to Cool`);
  }
  if (literal(data, get(coolRule, 'definition.actions.baseBlob.tierToCool.daysAfterModificationGreaterThan')) !== '30')
    problems.push('Cool is not after 30 days');

  const blobService = data.resources.find((resource) => resource.type === 'Microsoft.Storage/storageAccounts/blobServices');
  const corsRules = get(blobService?.value, 'properties.cors.corsRules');
  const cors = corsRules?.kind === 'array' ? corsRules.items[0] : undefined;
  if (textOf(get(cors, 'allowedOrigins')) !== undefined || literalList(data, get(cors, 'allowedOrigins')).join() !== '<webOrigin>') {
    problems.push('CORS does not admit exactly the webOrigin parameter');
  }
  if (!literalList(data, get(cors, 'allowedMethods')).includes('PUT')) problems.push('CORS does not allow the direct upload (PUT)');
  return problems;
}

function checkStorageAccountsAreLocked(sources: Sources): string[] {
  const problems: string[] = [];
  for (const file of ['infra/app/data-storage.bicep', 'infra/app/host-storage.bicep']) {
    const bicep = parsed(sources, file);
    const account = bicep.resources.find((resource) => resource.type === 'Microsoft.Storage/storageAccounts' && !resource.existing);
    const expected: Record<string, string> = {
      'properties.allowSharedKeyAccess': 'false',
      'properties.allowBlobPublicAccess': 'false',
      'properties.minimumTlsVersion': 'TLS1_2',
      'properties.supportsHttpsTrafficOnly': 'true',
      'sku.name': 'Standard_LRS',
    };
    for (const [property, value] of Object.entries(expected)) {
      const actual = literal(bicep, get(account?.value, property));
      if (actual !== value) problems.push(`${file}: ${property} is ${actual}, expected ${value}`);
    }
  }
  return problems;
}

function checkDatabaseIsPrivate(sources: Sources): string[] {
  const database = parsed(sources, 'infra/app/database.bicep');
  const server = database.resources.find((resource) => resource.type === 'Microsoft.DBforPostgreSQL/flexibleServers');
  const problems: string[] = [];
  if (literal(database, get(server?.value, 'properties.network.publicNetworkAccess')) !== 'Disabled')
    problems.push('PostgreSQL accepts public traffic');
  if (database.resources.some((resource) => resource.type === 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules'))
    problems.push('PostgreSQL has standing firewall rules');
  const endpoint = database.resources.find((resource) => resource.type === 'Microsoft.Network/privateEndpoints');
  const connections = get(endpoint?.value, 'properties.privateLinkServiceConnections');
  const groups = connections?.kind === 'array' ? literalList(database, get(connections.items[0], 'properties.groupIds')) : [];
  if (!groups.includes('postgresqlServer')) problems.push('PostgreSQL has no private endpoint');
  return problems;
}

/** The blob-event subscription targets the function the code registers with source: 'EventGrid'. */
function checkBlobEventSubscription(sources: Sources, functionSources: string[]): string[] {
  const events = parsed(sources, 'infra/app/blob-events.bicep');
  const problems: string[] = [];
  const functionName = literal(events, events.params.get('functionName')?.defaultValue);
  const eventGridTriggers = functionSources.flatMap((source) =>
    [...source.matchAll(/app\.storageBlob\(\s*'(\w+)'[\s\S]*?source:\s*'EventGrid'/g)].map((match) => match[1]!),
  );
  if (!functionName || !eventGridTriggers.includes(functionName))
    problems.push(`no Event Grid blob trigger named ${functionName} in functions/`);
  if (literal(events, events.params.get('containerName')?.defaultValue) !== CONTAINERS.originals)
    problems.push('the subscription does not watch originals/');
  const subscription = events.resources.find((resource) => resource.type === 'Microsoft.EventGrid/systemTopics/eventSubscriptions');
  if (!literalList(events, get(subscription?.value, 'properties.filter.includedEventTypes')).includes('Microsoft.Storage.BlobCreated'))
    problems.push('BlobCreated is not delivered');
  return problems;
}

/** The alerts read events and pipeline steps that the code emits under those names. */
function checkAlertsMatchTheCode(sources: Sources, codeSources: string[]): string[] {
  const alerts = parsed(sources, 'infra/app/alerts.bicep');
  const code = codeSources.join('\n');
  const queries = [...alerts.vars.values()].map((node) => (node.kind === 'string' ? (node.value ?? '') : '')).join('\n');
  const problems: string[] = [];
  for (const event of ['quota_reached', 'pipeline_step']) {
    if (!queries.includes(`"${event}"`)) problems.push(`no alert reads ${event} events`);
    if (!code.includes(`'${event}'`)) problems.push(`the code emits no ${event} event`);
  }
  for (const [, step] of queries.matchAll(/stepName == "(\w+)"/g)) {
    if (!(Object.values(PIPELINE_STEPS) as string[]).includes(step!)) {
      problems.push(`the failure-rate alert counts step ${step}, which is not a pipeline step`);
    }
  }
  const kinds = alerts.resources.map((resource) => resource.type);
  if (kinds.filter((type) => type === 'Microsoft.Insights/scheduledQueryRules').length < 3)
    problems.push('quota, failure-rate and poison-queue log alerts are not all there');
  if (!kinds.includes('Microsoft.Insights/metricAlerts')) problems.push('no storage capacity alert');
  return problems;
}

// ---------------------------------------------------------------------------------------------------

function sourceFiles(directory: string): string[] {
  const absolute = path.join(root, directory);
  if (!existsSync(absolute)) return [];
  return readdirSync(absolute, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .map((file) => readFileSync(path.join(absolute, file), 'utf8'));
}

/** A copy of the sources with one exact piece of text replaced (which must be there). */
function edited(sources: Sources, file: string, from: string, to: string): Sources {
  const source = sources[file]!;
  if (source.split(from).length !== 2) throw new Error(`${file} does not contain ${JSON.stringify(from)} exactly once`);
  return { ...sources, [file]: source.replace(from, to) };
}

/** Every extension a migration creates is allow-listed on the server (Azure refuses the others). */
function checkMigrationExtensionsAreAllowed(sources: Sources, migrations: string[]): string[] {
  const allowed = /name: 'azure\.extensions'[\s\S]*?value: '([^']*)'/.exec(sources['infra/app/database.bicep'] ?? '')?.[1] ?? '';
  const allowList = new Set(allowed.split(',').map((name) => name.trim().toLowerCase()));
  const created = migrations.flatMap((sql) =>
    [...sql.matchAll(/CREATE EXTENSION (?:IF NOT EXISTS )?"?(\w+)"?/gi)].map((match) => match[1]!.toLowerCase()),
  );
  return created
    .filter((name) => !allowList.has(name))
    .map((name) => `extension ${name} is created by a migration but not in azure.extensions`);
}

function migrationScripts(): string[] {
  const folder = path.join(root, 'prisma', 'migrations');
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('migration.sql'))
    .map((file) => readFileSync(path.join(folder, file), 'utf8'));
}

describe('infra templates', () => {
  const sources = readSources();
  const functionSources = sourceFiles('functions');
  const codeSources = [...functionSources, ...sourceFiles('shared')];

  it('parses every template, including those the checks do not read', () => {
    const all = readdirSync(path.join(root, 'infra'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.bicep'));
    for (const file of all) expect(() => parseBicep(file, readFileSync(path.join(root, 'infra', file), 'utf8'))).not.toThrow();
  });

  it('sets every variable shared/config.ts reads, apart from the explicit exclusions', () => {
    expect(checkEveryConfigVariableIsSet(sources)).toEqual([]);
  });

  it('sets values that pass the configuration loader in production', () => {
    expect(checkSettingValuesPassTheLoader(sources)).toEqual([]);
  });

  it('configures every binding connection with the managed identity, never a connection string', () => {
    expect(checkBindingConnections(sources, functionSources)).toEqual([]);
  });

  it('gives the Functions host identity-based storage for Durable Functions and authenticated telemetry', () => {
    expect(checkHostSettings(sources)).toEqual([]);
  });

  it('grants each role the code needs, and secrets only as Key Vault references to exactly those secrets', () => {
    expect(checkAppRoles(sources)).toEqual([]);
  });

  it('creates every container and queue the code uses, with the lifecycle rule and CORS', () => {
    expect(checkDataStorage(sources)).toEqual([]);
  });

  it('locks both storage accounts to identity access over TLS 1.2, LRS, nothing public', () => {
    expect(checkStorageAccountsAreLocked(sources)).toEqual([]);
  });

  it('keeps PostgreSQL off the public network, reachable through its private endpoint', () => {
    expect(checkDatabaseIsPrivate(sources)).toEqual([]);
  });

  it('allow-lists every PostgreSQL extension the migrations create', () => {
    expect(checkMigrationExtensionsAreAllowed(sources, migrationScripts())).toEqual([]);
  });

  it('subscribes the Event Grid blob trigger the code registers to BlobCreated in originals/', () => {
    expect(checkBlobEventSubscription(sources, functionSources)).toEqual([]);
  });

  it('alerts on the events and pipeline steps the code logs', () => {
    expect(checkAlertsMatchTheCode(sources, codeSources)).toEqual([]);
  });

  it('has an azure.yaml that deploys the Function App and runs hooks that exist', () => {
    const azureYaml = readFileSync(path.join(root, 'azure.yaml'), 'utf8');
    expect(azureYaml).toMatch(/^\s{4}host: function$/m);
    expect(azureYaml).toMatch(/^\s{4}language: ts$/m);
    expect(azureYaml).toMatch(/^\s{2}api:$/m);
    expect(sources['infra/app/api.bicep']).toContain("'azd-service-name': 'api'");
    for (const [, script] of azureYaml.matchAll(/run: \.\/(\S+)/g)) expect(existsSync(path.join(root, script!)), script).toBe(true);
  });
});

describe('the checks fail on a broken template', () => {
  const sources = readSources();
  const functionSources = sourceFiles('functions');

  it('when a migration needs an extension the server does not allow', () => {
    const broken = edited(sources, 'infra/app/database.bicep', "value: 'PG_TRGM'", "value: ''");
    expect(checkMigrationExtensionsAreAllowed(broken, migrationScripts())).toEqual([
      'extension pg_trgm is created by a migration but not in azure.extensions',
    ]);
  });

  it('when an app setting is removed', () => {
    const broken = edited(
      sources,
      'infra/main.bicep',
      "      CURSOR_SECRET: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.cursorSecretUri})'\n",
      '',
    );
    expect(checkEveryConfigVariableIsSet(broken)).toEqual(['CURSOR_SECRET is read by shared/config.ts but not set by infra/main.bicep']);
  });

  it('when a setting is left behind after the code stopped reading it', () => {
    const stale = edited(
      sources,
      'infra/main.bicep',
      "      DETOUR_ENV: 'production'\n",
      "      DETOUR_ENV: 'production'\n      LOG_LEVEL: 'info'\n",
    );
    expect(checkEveryConfigVariableIsSet(stale)).toEqual(['LOG_LEVEL is set by infra/main.bicep but shared/config.ts no longer reads it']);
  });

  it('when a setting gets a value the loader refuses', () => {
    const broken = edited(sources, 'infra/main.bicep', 'param uploadSasTtlMinutes int = 10', 'param uploadSasTtlMinutes int = 90');
    expect(checkSettingValuesPassTheLoader(broken).join()).toContain('UPLOAD_SAS_TTL_MINUTES');
  });

  it('when a secret becomes a plain value', () => {
    const broken = edited(
      sources,
      'infra/main.bicep',
      "AUTH_JWT_SECRET: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.authJwtSecretUri})'",
      'AUTH_JWT_SECRET: authJwtSecret',
    );
    expect(checkAppRoles(broken)).toContain('AUTH_JWT_SECRET is not a Key Vault reference');
  });

  it('when the data connection falls back to a connection string', () => {
    const broken = edited(
      sources,
      'infra/main.bicep',
      "DataStorage__credential: 'managedidentity'",
      "DataStorage: 'DefaultEndpointsProtocol=https'",
    );
    expect(checkBindingConnections(broken, functionSources)).toEqual([
      'DataStorage is a connection string setting; use DataStorage__* with the identity',
      'DataStorage__credential is not managedidentity',
    ]);
  });

  it('when a container is no longer created', () => {
    const broken = edited(
      sources,
      'infra/app/data-storage.bicep',
      "['originals', 'processed', 'thumbnails']",
      "['originals', 'processed']",
    );
    expect(checkDataStorage(broken)).toEqual(['container thumbnails (shared/storage/blobPaths.ts) is not created']);
  });

  it('when a role assignment is dropped or weakened', () => {
    const queueGrant =
      "scope: dataStorage\n  properties: {\n    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataContributor)";
    const weakened = edited(
      sources,
      'infra/app/rbac.bicep',
      queueGrant,
      queueGrant.replace('storageQueueDataContributor)', 'storageTableDataContributor)'),
    );
    expect(checkAppRoles(weakened)).toEqual([
      `missing storageQueueDataContributor on ${DATA_ACCOUNT} (the ${PROCESSING_QUEUE} queue and its poison queue)`,
    ]);
  });

  it('when the app is allowed a secret it does not use', () => {
    const broken = edited(sources, 'infra/app/rbac.bicep', 'scope: cursorSecret\n', 'scope: postgresAdminPasswordSecret\n');
    expect(checkAppRoles(broken)).toEqual([
      'the app cannot read the secret cursor-secret it references',
      'the app may read secret:postgres-admin-password, which it does not reference',
    ]);
  });

  it('when shared-key access is turned back on', () => {
    const broken = edited(sources, 'infra/app/data-storage.bicep', 'allowSharedKeyAccess: false', 'allowSharedKeyAccess: true');
    expect(checkStorageAccountsAreLocked(broken)).toEqual([
      'infra/app/data-storage.bicep: properties.allowSharedKeyAccess is true, expected false',
    ]);
  });
});
