import { get, unwrap, interpolationTokens, type BicepFile, type Node, type Token } from './bicepReader.js';
import { modulePath, parsed, type Sources } from './templates.js';

/**
 * What the Bicep compiler would refuse, checked offline: every name an expression uses is declared
 * (parameter, variable, resource, module, loop variable) or a Bicep function, every module exists,
 * gets every parameter it requires and none it does not declare, and every `module.outputs.x` a
 * template reads is an output of that module.
 */

/** Bicep's functions (learn.microsoft.com/azure/azure-resource-manager/bicep/bicep-functions). */
const BICEP_FUNCTIONS = new Set([
  'any',
  'array',
  'base64',
  'base64ToString',
  'bool',
  'coalesce',
  'concat',
  'contains',
  'dataUri',
  'dateTimeAdd',
  'deployer',
  'deployment',
  'empty',
  'endsWith',
  'environment',
  'extensionResourceId',
  'filter',
  'first',
  'format',
  'guid',
  'indexOf',
  'int',
  'intersection',
  'items',
  'join',
  'json',
  'last',
  'lastIndexOf',
  'length',
  'listKeys',
  'loadJsonContent',
  'loadTextContent',
  'managementGroup',
  'map',
  'max',
  'min',
  'newGuid',
  'padLeft',
  'range',
  'reduce',
  'reference',
  'replace',
  'resourceGroup',
  'resourceId',
  'skip',
  'split',
  'startsWith',
  'string',
  'subscription',
  'subscriptionResourceId',
  'substring',
  'take',
  'tenant',
  'tenantResourceId',
  'toLower',
  'toObject',
  'toUpper',
  'trim',
  'union',
  'uniqueString',
  'uri',
  'uriComponent',
  'utcNow',
]);

const LITERAL_WORDS = new Set(['true', 'false', 'null']);

interface Scan {
  sources: Sources;
  file: BicepFile;
  problems: string[];
}

export function checkSymbolsAreDeclared(sources: Sources): string[] {
  return Object.keys(sources).flatMap((name) => {
    const file = parsed(sources, name);
    const scan: Scan = { sources, file, problems: [] };
    const topLevel = new Set([
      ...file.params.keys(),
      ...file.vars.keys(),
      ...file.modules.keys(),
      ...file.resources.filter((resource) => !resource.enclosing).map((resource) => resource.symbol),
    ]);
    const walkAll = (node: Node | undefined) => node && walk(scan, node, topLevel);
    for (const param of file.params.values()) walkAll(param.defaultValue);
    for (const variable of file.vars.values()) walkAll(variable);
    for (const module of file.modules.values()) walkAll(module.value);
    for (const output of file.outputs.values()) walkAll(output.value);
    for (const resource of file.resources) {
      // Inside a resource's body, the resources declared in it and in the bodies around it are in scope by their own names.
      const enclosingPaths = resource.symbol.split('::').map((_, index, parts) => parts.slice(0, index + 1).join('::'));
      const nested = file.resources.filter((other) => other.enclosing !== undefined && enclosingPaths.includes(other.enclosing));
      walk(scan, resource.value, new Set([...topLevel, ...nested.map((other) => other.symbol.split('::').at(-1)!)]), true);
    }
    return scan.problems;
  });
}

/** Walks a value; `shallow` leaves out the bodies of nested resource declarations (walked on their own). */
function walk(scan: Scan, node: Node, scope: ReadonlySet<string>, shallow = false): void {
  switch (node.kind) {
    case 'object':
      for (const inner of node.entries.values()) walk(scan, inner, scope);
      if (!shallow) for (const resource of node.resources) walk(scan, resource.value, scope);
      return;
    case 'array':
      for (const item of node.items) walk(scan, item, scope);
      return;
    case 'string':
      for (const interpolation of node.interpolations) scanTokens(scan, interpolationTokens(interpolation, node.line), scope);
      return;
    case 'for':
      walk(scan, node.source, scope);
      walk(scan, node.body, new Set([...scope, node.variable]), shallow);
      return;
    case 'if':
      scanTokens(scan, node.condition, scope);
      walk(scan, node.body, scope, shallow);
      return;
    case 'expr':
      scanTokens(scan, node.tokens, scope);
      return;
  }
}

function scanTokens(scan: Scan, tokens: Token[], scope: ReadonlySet<string>): void {
  const at = (token: Token) => `${scan.file.file}:${token.line}`;
  const meaningful = tokens.filter((token) => token.kind !== 'newline');
  // Whether a line break comes right before each meaningful token (a key of a multi-line object does).
  const afterBreak = new Set<Token>();
  tokens.forEach((token, index) => token.kind !== 'newline' && tokens[index - 1]?.kind === 'newline' && afterBreak.add(token));
  const brackets: string[] = [];
  for (const [index, token] of meaningful.entries()) {
    const previous = meaningful[index - 1];
    const next = meaningful[index + 1];
    if (token.kind === 'string') {
      for (const interpolation of token.interpolations) scanTokens(scan, interpolationTokens(interpolation, token.line), scope);
      continue;
    }
    if (token.kind === 'punct') {
      if (['(', '[', '{'].includes(token.text)) brackets.push(token.text);
      if ([')', ']', '}'].includes(token.text)) brackets.pop();
      continue;
    }
    if (token.kind !== 'word' || /^\d/.test(token.text) || LITERAL_WORDS.has(token.text)) continue;
    // A member (`a.b`, `a.?b`) or a nested resource accessor (`a::b`) is checked with what it belongs to.
    if (previous && ['.', '.?', '::'].includes(textOf(previous))) continue;
    // A key of an object written inside an expression: `{ key: value }`.
    const startsEntry = !previous || ['{', ','].includes(textOf(previous)) || afterBreak.has(token);
    if (brackets.at(-1) === '{' && next && textOf(next) === ':' && startsEntry) continue;
    if (next && textOf(next) === '(') {
      if (!BICEP_FUNCTIONS.has(token.text)) scan.problems.push(`${at(token)}: ${token.text}() is not a Bicep function`);
      continue;
    }
    if (!scope.has(token.text)) {
      scan.problems.push(`${at(token)}: ${token.text} is not declared`);
      continue;
    }
    checkAccessors(scan, meaningful, index, at(token));
  }
}

function textOf(token: Token | undefined): string {
  return token?.kind === 'word' || token?.kind === 'punct' ? token.text : '';
}

/** `parent::child::grandchild` names a nested resource; `module.outputs.name` names an output the module declares. */
function checkAccessors(scan: Scan, tokens: Token[], index: number, at: string): void {
  const symbol = textOf(tokens[index]);
  let path = symbol;
  for (let cursor = index + 1; textOf(tokens[cursor]) === '::' && tokens[cursor + 1]?.kind === 'word'; cursor += 2) {
    path = `${path}::${textOf(tokens[cursor + 1])}`;
    if (!scan.file.resources.some((resource) => resource.symbol === path)) scan.problems.push(`${at}: ${path} is not declared`);
  }
  const module = scan.file.modules.get(symbol);
  const [dot, outputs, secondDot, output] = tokens.slice(index + 1, index + 5).map(textOf);
  if (!module || dot !== '.' || outputs !== 'outputs' || secondDot !== '.' || !output) return;
  const target = modulePath(scan.file.file, module);
  if (!(target in scan.sources)) return;
  if (!parsed(scan.sources, target).outputs.has(output)) scan.problems.push(`${at}: ${target} has no output ${output}`);
}

export function checkModuleParameters(sources: Sources): string[] {
  return Object.keys(sources).flatMap((name) => {
    const file = parsed(sources, name);
    return [...file.modules.entries()].flatMap(([symbol, module]) => {
      const at = `${name}:${module.line} module ${symbol}`;
      const target = modulePath(name, module);
      if (!(target in sources)) return [`${at}: ${target} does not exist`];
      const params = get(unwrap(module.value), 'params');
      const passed = params?.kind === 'object' ? [...params.entries.keys()] : [];
      return parameterProblems(at, parsed(sources, target), passed);
    });
  });
}

/** Parameters a template requires but is not given, and those it is given but does not declare. */
function parameterProblems(at: string, target: BicepFile, passed: readonly string[]): string[] {
  const required = [...target.params].filter(([, param]) => param.defaultValue === undefined).map(([param]) => param);
  return [
    ...required
      .filter((param) => !passed.includes(param))
      .map((param) => `${at}: required parameter ${param} of ${target.file} is not passed`),
    ...passed.filter((param) => !target.params.has(param)).map((param) => `${at}: ${target.file} has no parameter ${param}`),
  ];
}

/** main.parameters.json (what azd passes to main.bicep) against main.bicep's parameters. */
export function checkParametersFile(sources: Sources, parametersJson: string): string[] {
  const passed = Object.keys((JSON.parse(parametersJson) as { parameters: Record<string, unknown> }).parameters);
  return parameterProblems('infra/main.parameters.json', parsed(sources, 'infra/main.bicep'), passed);
}

/** Templates a hook script deploys (`--template-file … --parameters a=… b=…`) get the parameters they need. */
export function checkScriptDeployments(sources: Sources, scripts: Readonly<Record<string, string>>): string[] {
  return Object.entries(scripts).flatMap(([script, text]) =>
    [...text.matchAll(/--template-file (\S+)([\s\S]*?)(?:\n\s*--output|\n\n|$)/g)].flatMap(([, template, rest]) => {
      if (!(template! in sources)) return [`${script}: ${template} does not exist`];
      const parameters = /--parameters ([\s\S]*)/.exec(rest ?? '')?.[1] ?? '';
      const passed = [...parameters.matchAll(/(?:^|\s)(\w+)=/g)].map((match) => match[1]!);
      return parameterProblems(script, parsed(sources, template!), passed);
    }),
  );
}
