import { DevhostError } from '../errors.js';

/**
 * ASP.NET Core route templates, the syntax of the `route` setting: literal segments, `{name}`,
 * `{name?}`, `{name:int}` (one constraint of int, long, bool, guid, alpha, double, float, decimal),
 * `{*rest}` and segments such as `{name}.{ext}`. Parameter values arrive URL-decoded.
 */

export interface RouteTemplate {
  template: string;
  /** Per segment: lower is more specific. Templates are tried most specific first, as ASP.NET orders them. */
  precedence: number[];
  match(path: string): Record<string, string> | undefined;
}

const CONSTRAINTS: Record<string, string> = {
  int: '-?\\d+',
  long: '-?\\d+',
  bool: 'true|false',
  guid: '[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}',
  alpha: '[a-z]+',
  double: '-?\\d+(?:\\.\\d+)?',
  float: '-?\\d+(?:\\.\\d+)?',
  decimal: '-?\\d+(?:\\.\\d+)?',
};

const PARAMETER = /\{([^{}]+)\}/g;
const PRECEDENCE = { literal: 1, complex: 2, constrained: 3, parameter: 4, optional: 5, catchAll: 6 };

interface Parameter {
  name: string;
  catchAll: boolean;
  optional: boolean;
  constrained: boolean;
  pattern: string;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function toParameter(token: string, template: string): Parameter {
  const catchAll = token.startsWith('*');
  const body = token.replace(/^\*{1,2}/, '');
  const optional = body.endsWith('?');
  const [name = '', constraint, ...more] = body.replace(/\?$/, '').split(':');
  if (!/^\w+$/.test(name)) throw new DevhostError(`Route "${template}" has a parameter without a valid name: {${token}}.`);
  if (more.length > 0) throw new DevhostError(`Route "${template}": the devhost supports one constraint per parameter ({${token}}).`);
  const constraintPattern = constraint === undefined ? undefined : CONSTRAINTS[constraint.toLowerCase()];
  if (constraint !== undefined && !constraintPattern) {
    throw new DevhostError(`Route "${template}" uses the constraint "${constraint}", which the devhost does not know.`);
  }
  const pattern = constraintPattern ? `(?:${constraintPattern})` : catchAll ? '.*' : '[^/]+';
  return { name, catchAll, optional, constrained: constraintPattern !== undefined, pattern };
}

export function parseRouteTemplate(template: string): RouteTemplate {
  const names: string[] = [];
  const catchAllNames = new Set<string>();
  const precedence: number[] = [];
  let source = '';
  const segments = template
    .replace(/^\/+|\/+$/g, '')
    .split('/')
    .filter((segment, index, all) => segment !== '' || all.length === 1);

  segments.forEach((segment, index) => {
    const tokens = [...segment.matchAll(PARAMETER)];
    if (tokens.length === 0) {
      precedence.push(PRECEDENCE.literal);
      source += segment ? `/${escapeRegExp(segment)}` : '';
      return;
    }
    const whole = tokens.length === 1 && tokens[0]![0] === segment;
    const parameters = tokens.map((token) => toParameter(token[1]!, template));
    parameters.forEach((parameter) => {
      names.push(parameter.name);
      if (parameter.catchAll) catchAllNames.add(parameter.name);
    });
    const [first] = parameters;
    if (whole && first && (first.optional || first.catchAll)) {
      if (index !== segments.length - 1) throw new DevhostError(`Route "${template}": only the last segment may be optional or catch-all.`);
      precedence.push(first.catchAll ? PRECEDENCE.catchAll : PRECEDENCE.optional);
      source += `(?:/(${first.pattern}))?`;
      return;
    }
    precedence.push(!whole ? PRECEDENCE.complex : first?.constrained ? PRECEDENCE.constrained : PRECEDENCE.parameter);
    let segmentSource = '';
    let last = 0;
    tokens.forEach((token, position) => {
      segmentSource += escapeRegExp(segment.slice(last, token.index));
      // Greedy, like ASP.NET, which splits a complex segment at its last literal: "a.b.c" → {name}="a.b", {ext}="c".
      segmentSource += `(${parameters[position]!.pattern})`;
      last = token.index + token[0].length;
    });
    source += `/${segmentSource}${escapeRegExp(segment.slice(last))}`;
  });

  // Literals match without regard to case, as in ASP.NET routing.
  const expression = new RegExp(`^${source}/?$`, 'i');
  return {
    template,
    precedence,
    match(path) {
      const found = expression.exec(path);
      if (!found) return undefined;
      const params: Record<string, string> = {};
      try {
        names.forEach((name, position) => {
          const raw = found[position + 1];
          if (raw !== undefined)
            params[name] = catchAllNames.has(name) ? raw.split('/').map(decodeURIComponent).join('/') : decodeURIComponent(raw);
        });
      } catch {
        return undefined; // a malformed %-escape matches no route
      }
      return params;
    },
  };
}

/** Sort comparator: more specific templates first. */
export function byPrecedence(a: RouteTemplate, b: RouteTemplate): number {
  for (let i = 0; i < Math.max(a.precedence.length, b.precedence.length); i++) {
    const difference = (a.precedence[i] ?? 0) - (b.precedence[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
