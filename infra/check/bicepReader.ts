/**
 * A small Bicep reader (the Bicep compiler cannot be installed on these machines): tokens, then values
 * (objects, arrays, strings, loops, conditions, and any other expression kept as its tokens), then the
 * file's declarations. It reads what infra/ writes and throws on anything else, so a construct it does
 * not know fails the tests instead of passing unread.
 */

export type Token =
  | { kind: 'string'; value: string | undefined; raw: string; interpolations: string[]; line: number }
  | { kind: 'word'; text: string; line: number }
  | { kind: 'punct'; text: string; line: number }
  | { kind: 'newline'; line: number };

export type Node =
  | { kind: 'object'; entries: Map<string, Node>; resources: ResourceDeclaration[]; line: number }
  | { kind: 'array'; items: Node[]; line: number }
  | { kind: 'string'; value: string | undefined; raw: string; interpolations: string[]; line: number }
  | { kind: 'for'; variable: string; source: Node; body: Node; line: number }
  | { kind: 'if'; condition: Token[]; body: Node; line: number }
  | { kind: 'expr'; tokens: Token[]; text: string; line: number };

export interface ResourceDeclaration {
  symbol: string;
  /** The full type, child types of a nested declaration included (`Microsoft.Storage/storageAccounts/blobServices`). */
  type: string;
  /** The API version, a nested declaration's being its parent's. */
  apiVersion: string;
  existing: boolean;
  value: Node;
  /** The symbol of the resource a nested declaration sits in. */
  enclosing?: string;
  line: number;
}

interface ParamDeclaration {
  type: string;
  defaultValue?: Node;
  line: number;
}

export interface ModuleDeclaration {
  path: string;
  value: Node;
  line: number;
}

export interface BicepFile {
  file: string;
  params: Map<string, ParamDeclaration>;
  vars: Map<string, Node>;
  /** Every resource, nested ones flattened after their parent (symbol `parent::child`). */
  resources: ResourceDeclaration[];
  modules: Map<string, ModuleDeclaration>;
  outputs: Map<string, { type: string; value: Node; line: number }>;
}

const TWO_CHARACTER_PUNCTUATION = ['::', '??', '==', '!=', '>=', '<=', '&&', '||', '.?', '=>'];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  let line = 1;
  while (at < source.length) {
    const char = source[at]!;
    if (char === '\n') {
      tokens.push({ kind: 'newline', line });
      line += 1;
      at += 1;
    } else if (/\s/.test(char)) {
      at += 1;
    } else if (source.startsWith('//', at)) {
      while (at < source.length && source[at] !== '\n') at += 1;
    } else if (source.startsWith('/*', at)) {
      const end = source.indexOf('*/', at + 2);
      if (end < 0) throw new Error(`line ${line}: unterminated comment`);
      line += countLines(source.slice(at, end));
      at = end + 2;
    } else if (source.startsWith("'''", at)) {
      // Multi-line strings have neither escapes nor interpolation; a newline right after ''' is dropped.
      const end = source.indexOf("'''", at + 3);
      if (end < 0) throw new Error(`line ${line}: unterminated multi-line string`);
      const raw = source.slice(at, end + 3);
      tokens.push({ kind: 'string', value: source.slice(at + 3, end).replace(/^\r?\n/, ''), raw, interpolations: [], line });
      line += countLines(raw);
      at = end + 3;
    } else if (char === "'") {
      const { end, value, interpolations } = readString(source, at, line);
      tokens.push({ kind: 'string', value, raw: source.slice(at, end), interpolations, line });
      at = end;
    } else if (/\w/.test(char)) {
      let end = at;
      while (end < source.length && /\w/.test(source[end]!)) end += 1;
      tokens.push({ kind: 'word', text: source.slice(at, end), line });
      at = end;
    } else {
      const pair = source.slice(at, at + 2);
      const text = TWO_CHARACTER_PUNCTUATION.includes(pair) ? pair : char;
      tokens.push({ kind: 'punct', text, line });
      at += text.length;
    }
  }
  return tokens;
}

function countLines(text: string): number {
  return text.split('\n').length - 1;
}

/** A single-quoted string: `\` escapes, `${…}` interpolations (the value is then unknown here). */
function readString(source: string, start: number, line: number): { end: number; value: string | undefined; interpolations: string[] } {
  const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t' };
  const interpolations: string[] = [];
  let at = start + 1;
  let value = '';
  while (at < source.length) {
    const char = source[at]!;
    if (char === '\\') {
      const next = source[at + 1] ?? '';
      value += escapes[next] ?? next;
      at += 2;
    } else if (char === "'") {
      return { end: at + 1, value: interpolations.length > 0 ? undefined : value, interpolations };
    } else if (char === '$' && source[at + 1] === '{') {
      const end = skipInterpolation(source, at + 2, line);
      interpolations.push(source.slice(at + 2, end - 1));
      at = end;
    } else if (char === '\n') {
      throw new Error(`line ${line}: line break inside a string: ${source.slice(start, at)}`);
    } else {
      value += char;
      at += 1;
    }
  }
  throw new Error(`line ${line}: unterminated string`);
}

function skipInterpolation(source: string, start: number, line: number): number {
  let depth = 1;
  let at = start;
  while (at < source.length) {
    const char = source[at]!;
    if (char === "'") {
      at = readString(source, at, line).end;
      continue;
    }
    if (char === '{') depth += 1;
    if (char === '}' && --depth === 0) return at + 1;
    at += 1;
  }
  throw new Error(`line ${line}: unterminated interpolation`);
}

/** An expression's tokens as compact text (`union(appSettings, hostSettings)`), for comparisons and messages. */
export function tokenText(tokens: readonly Token[]): string {
  return tokens
    .flatMap((token) => (token.kind === 'newline' ? [] : [token.kind === 'string' ? token.raw : token.text]))
    .join(' ')
    .replace(/ ?([.(),[\]]|::) ?/g, '$1')
    .replace(/,/g, ', ');
}

class BicepReader {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.at + offset];
  }

  private line(): number {
    return this.peek()?.line ?? this.tokens.at(-1)?.line ?? 0;
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

  private fail(expected: string, token: Token | undefined): never {
    const found = !token ? 'end of file' : token.kind === 'newline' ? 'a line break' : token.kind === 'string' ? token.raw : token.text;
    throw new Error(`line ${token?.line ?? this.line()}: expected ${expected}, found ${found}`);
  }

  private expectPunct(text: string): void {
    const token = this.take();
    if (token.kind !== 'punct' || token.text !== text) this.fail(`"${text}"`, token);
  }

  private word(): string {
    const token = this.take();
    if (token.kind !== 'word') this.fail('a name', token);
    return token.text;
  }

  private string(): string {
    const token = this.take();
    if (token.kind !== 'string' || token.value === undefined) this.fail('a string', token);
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
    if (collected.length === 0) this.fail('a value', this.peek());
    return collected;
  }

  value(): Node {
    const line = this.line();
    if (this.isPunct('{')) return this.object();
    if (this.isPunct('[')) {
      let ahead = 1;
      while (this.peek(ahead)?.kind === 'newline') ahead += 1;
      return this.isWord('for', ahead) ? this.loop() : this.array();
    }
    if (this.isWord('if') && this.isPunct('(', 1)) {
      this.take();
      this.expectPunct('(');
      const condition = this.expressionTokens(')');
      this.expectPunct(')');
      return { kind: 'if', condition, body: this.value(), line };
    }
    const tokens = this.expressionTokens();
    const [only] = tokens;
    if (tokens.length === 1 && only?.kind === 'string') {
      return { kind: 'string', value: only.value, raw: only.raw, interpolations: only.interpolations, line };
    }
    return { kind: 'expr', tokens, text: tokenText(tokens), line };
  }

  private object(): Node {
    const line = this.line();
    this.expectPunct('{');
    const entries = new Map<string, Node>();
    const resources: ResourceDeclaration[] = [];
    for (;;) {
      while (this.peek()?.kind === 'newline' || this.isPunct(',')) this.at += 1;
      if (this.isPunct('}')) {
        this.take();
        return { kind: 'object', entries, resources, line };
      }
      if (this.isWord('resource') && this.isWord(undefined, 1) && this.peek(2)?.kind === 'string') {
        this.take();
        resources.push(this.resource());
        continue;
      }
      const key = this.take();
      let name: string;
      if (key.kind === 'word') name = key.text;
      else if (key.kind === 'string') name = key.value ?? key.raw;
      else this.fail('a property name', key);
      if (entries.has(name)) throw new Error(`line ${key.line}: property ${name} is declared twice`);
      this.expectPunct(':');
      entries.set(name, this.value());
    }
  }

  private array(): Node {
    const line = this.line();
    this.expectPunct('[');
    const items: Node[] = [];
    for (;;) {
      while (this.peek()?.kind === 'newline' || this.isPunct(',')) this.at += 1;
      if (this.isPunct(']')) {
        this.take();
        return { kind: 'array', items, line };
      }
      items.push(this.value());
    }
  }

  private loop(): Node {
    const line = this.line();
    this.expectPunct('[');
    this.skipNewlines();
    this.word(); // for
    const variable = this.word();
    if (this.word() !== 'in') this.fail('"in" in a for expression', this.peek(-1));
    const source = new BicepReader(this.expressionTokens(':')).value();
    this.expectPunct(':');
    const body = this.value();
    this.skipNewlines();
    this.expectPunct(']');
    return { kind: 'for', variable, source, body, line };
  }

  private resource(): ResourceDeclaration {
    const line = this.line();
    const symbol = this.word();
    const [type = '', apiVersion = ''] = this.string().split('@');
    const existing = this.isWord('existing');
    if (existing) this.take();
    this.expectPunct('=');
    return { symbol, type, apiVersion, existing, value: this.value(), line };
  }

  /** `@description('…')`, `@secure()`, `@allowed([…])`, … : skipped, they do not change what is declared. */
  private skipDecorator(): void {
    this.take();
    this.word();
    if (this.isPunct('(')) {
      this.take();
      if (!this.isPunct(')')) this.expressionTokens(')');
      this.expectPunct(')');
    }
  }

  file(name: string): BicepFile {
    const file: BicepFile = { file: name, params: new Map(), vars: new Map(), resources: [], modules: new Map(), outputs: new Map() };
    const declare = <T>(map: Map<string, T>, key: string, value: T, line: number) => {
      if (map.has(key)) throw new Error(`${name}:${line}: ${key} is declared twice`);
      map.set(key, value);
    };
    for (;;) {
      this.skipNewlines();
      if (!this.peek()) return file;
      if (this.isPunct('@')) {
        this.skipDecorator();
        continue;
      }
      const line = this.line();
      const keyword = this.word();
      if (keyword === 'targetScope') {
        this.expectPunct('=');
        this.value();
      } else if (keyword === 'param') {
        const param = this.word();
        const type = tokenText(this.expressionTokens('='));
        let defaultValue: Node | undefined;
        if (this.isPunct('=')) {
          this.take();
          defaultValue = this.value();
        }
        declare(file.params, param, { type, defaultValue, line }, line);
      } else if (keyword === 'var') {
        const variable = this.word();
        this.expectPunct('=');
        declare(file.vars, variable, this.value(), line);
      } else if (keyword === 'resource') {
        file.resources.push(...flatten(this.resource()));
      } else if (keyword === 'module') {
        const symbol = this.word();
        const modulePath = this.string();
        this.expectPunct('=');
        declare(file.modules, symbol, { path: modulePath, value: this.value(), line }, line);
      } else if (keyword === 'output') {
        const output = this.word();
        const type = tokenText(this.expressionTokens('='));
        this.expectPunct('=');
        declare(file.outputs, output, { type, value: this.value(), line }, line);
      } else {
        throw new Error(`${name}:${line}: unsupported declaration "${keyword}"`);
      }
    }
  }
}

/** A resource and the child resources declared in its body, with their full types and inherited API version. */
function flatten(resource: ResourceDeclaration): ResourceDeclaration[] {
  const body = unwrap(resource.value);
  const children = body?.kind === 'object' ? body.resources : [];
  return [
    resource,
    ...children.flatMap((child) =>
      flatten({
        ...child,
        symbol: `${resource.symbol}::${child.symbol}`,
        type: `${resource.type}/${child.type}`,
        apiVersion: child.apiVersion || resource.apiVersion,
        enclosing: resource.symbol,
      }),
    ),
  ];
}

export function parseBicep(file: string, source: string): BicepFile {
  try {
    return new BicepReader(tokenize(source)).file(file);
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`, { cause: error });
  }
}

/** Tokens of an interpolation (`${…}`), placed on the line of the string it sits in. */
export function interpolationTokens(text: string, line: number): Token[] {
  return tokenize(text).flatMap((token) => (token.kind === 'newline' ? [] : [{ ...token, line }]));
}

/** The object a resource or module declares, through its `if (…)` or `[for …]`. */
export function unwrap(node: Node): Node | undefined {
  if (node.kind === 'if' || node.kind === 'for') return unwrap(node.body);
  return node;
}

export function get(node: Node | undefined, dottedPath: string): Node | undefined {
  let current = node && unwrap(node);
  for (const key of dottedPath.split('.')) {
    if (current?.kind !== 'object') return undefined;
    const next = current.entries.get(key);
    current = next && unwrap(next);
  }
  return current;
}

export function textOf(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  if (node.kind === 'expr') return node.text;
  if (node.kind === 'string') return node.raw;
  return undefined;
}

/** The literal a value stands for: a string, a number or bool, a parameter default, a var, or string(x). */
export function literal(file: BicepFile, node: Node | undefined): string | undefined {
  if (!node) return undefined;
  if (node.kind === 'string') return node.value;
  if (node.kind !== 'expr') return undefined;
  const words = node.tokens.filter((token) => token.kind !== 'newline');
  const [first, second, third, fourth] = words;
  if (words.length === 2 && first?.kind === 'punct' && first.text === '-' && second?.kind === 'word' && /^\d+$/.test(second.text)) {
    return `-${second.text}`;
  }
  if (words.length === 1 && first?.kind === 'word') {
    if (/^\d+$/.test(first.text) || first.text === 'true' || first.text === 'false') return first.text;
    const param = file.params.get(first.text);
    if (param) return literal(file, param.defaultValue);
    return literal(file, file.vars.get(first.text));
  }
  const isStringCall = first?.kind === 'word' && first.text === 'string' && second?.kind === 'punct' && second.text === '(';
  if (words.length === 4 && isStringCall && third?.kind === 'word' && fourth?.kind === 'punct' && fourth.text === ')') {
    return literal(file, { kind: 'expr', tokens: [third], text: third.text, line: node.line });
  }
  return undefined;
}

/** The strings a list stands for: an array literal, or a var or parameter holding one. */
export function literalList(file: BicepFile, node: Node | undefined): string[] {
  if (!node) return [];
  if (node.kind === 'array') return node.items.map((item) => literal(file, item) ?? `<${textOf(item)}>`);
  const reference = textOf(node);
  if (reference && file.vars.has(reference)) return literalList(file, file.vars.get(reference));
  if (reference && file.params.has(reference)) return literalList(file, file.params.get(reference)?.defaultValue);
  return [];
}

/** Names a resource type is declared with in a file, loops expanded. */
export function declaredNames(file: BicepFile, type: string): string[] {
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

/** Every name a value's expressions mention, in interpolations too (what a resource depends on, for one). */
export function namesIn(node: Node): Set<string> {
  const names = new Set<string>();
  const addTokens = (tokens: readonly Token[]) => {
    for (const token of tokens) {
      if (token.kind === 'word') names.add(token.text);
      if (token.kind === 'string') for (const interpolation of token.interpolations) addTokens(tokenize(interpolation));
    }
  };
  const visit = (inner: Node): void => {
    switch (inner.kind) {
      case 'object':
        inner.entries.forEach(visit);
        return;
      case 'array':
        inner.items.forEach(visit);
        return;
      case 'string':
        for (const interpolation of inner.interpolations) addTokens(tokenize(interpolation));
        return;
      case 'for':
        visit(inner.source);
        visit(inner.body);
        return;
      case 'if':
        addTokens(inner.condition);
        visit(inner.body);
        return;
      case 'expr':
        addTokens(inner.tokens);
        return;
    }
  };
  visit(node);
  return names;
}
