import { existsSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { readRepositoryFile, repositoryFiles, repositoryRoot } from './support/repositoryFiles.js';

/**
 * The repository is self-contained: every file that a comment or a document names — `docs/api.md`,
 * `shared/http/routes.ts`, a markdown link, a bare `README.md` — exists in it. A path into a folder
 * the repository does not have (another project's source, a URL) is not ours to check; build output
 * (dist/, generated code, screenshots, bench results) is made, not committed.
 */

const CODE = ['.ts', '.tsx', '.mts', '.js', '.mjs'];
const HASH_COMMENTS = ['.sh', 'run'];
const SLASH_COMMENTS = ['.bicep'];

const PATH =
  /(?<![\w./@-])((?:\.{1,2}\/)*(?:[\w@][\w.@-]*\/)+[\w.-]+\.(?:tsx?|mts|m?js|jsonc?|md|sh|bicep|prisma|ya?ml|css|html))(?![\w/-])/g;
const BARE_MARKDOWN = /(?<![\w./-])([\w-]+\.md)(?![\w/-])/g;
const MARKDOWN_LINK = /\[[^\]]*\]\(([^)\s]+)[^)]*\)/g;
const MADE_NOT_COMMITTED = /(^|\/)(dist|node_modules|\.data|\.deploy|coverage|generated|screenshots|results)\//;

/** The comments of a source file, as the TypeScript scanner sees them. */
function commentsOf(file: string, text: string): string {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const seen = new Set<number>();
  const comments: string[] = [];
  const collect = (ranges: ts.CommentRange[] | undefined) => {
    for (const range of ranges ?? []) {
      if (seen.has(range.pos)) continue;
      seen.add(range.pos);
      comments.push(text.slice(range.pos, range.end));
    }
  };
  const visit = (node: ts.Node): void => {
    collect(ts.getLeadingCommentRanges(text, node.getFullStart()));
    collect(ts.getTrailingCommentRanges(text, node.getEnd()));
    node.getChildren(source).forEach(visit);
  };
  visit(source);
  return comments.join('\n');
}

/** What of a file may name other files: markdown whole, code and scripts by their comments. */
function proseOf(file: string): string {
  const text = readRepositoryFile(file);
  if (file.endsWith('.md')) return text;
  if (CODE.some((extension) => file.endsWith(extension))) return commentsOf(file, text);
  const marker = SLASH_COMMENTS.some((extension) => file.endsWith(extension)) ? '//' : '#';
  return text
    .split('\n')
    .map((line) => (line.includes(marker) ? line.slice(line.indexOf(marker)) : ''))
    .join('\n');
}

/** Each reference in `prose` (written in `file`) to a file of this repository that does not exist. */
export function brokenReferences(file: string, prose: string, exists: (relative: string) => boolean): string[] {
  const folder = path.posix.dirname(file);
  const inRepository = (relative: string) => !relative.startsWith('..') && exists(relative);
  const broken = new Set<string>();

  for (const [, link] of prose.matchAll(MARKDOWN_LINK)) {
    const target = link!.split('#')[0]!;
    if (!target || /^[a-z][a-z+.-]*:/i.test(target) || MADE_NOT_COMMITTED.test(target)) continue;
    if (!inRepository(path.posix.join(folder, target))) broken.add(link!);
  }
  // What the links name is checked above; the prose around them below.
  const text = prose.replace(MARKDOWN_LINK, (link, target: string) => link.replace(`(${target}`, '('));
  // A path is read from the file's folder or one of its parents, the first that has its first folder.
  const bases = folder.split('/').map((_, index, parts) => parts.slice(0, parts.length - index).join('/'));
  bases.push('');
  for (const [, named] of text.matchAll(PATH)) {
    if (MADE_NOT_COMMITTED.test(named!)) continue;
    const firstSegment = named!.split('/')[0]!;
    const candidates = named!.startsWith('.') ? [folder] : bases.filter((base) => inRepository(path.posix.join(base, firstSegment)));
    if (candidates.length > 0 && !candidates.some((base) => inRepository(path.posix.join(base, named!)))) broken.add(named!);
  }
  for (const [, named] of text.matchAll(BARE_MARKDOWN)) {
    if (!inRepository(path.posix.join(folder, named!)) && !inRepository(named!)) broken.add(named!);
  }
  return [...broken].map((reference) => `${file}: ${reference}`);
}

describe('references to files', () => {
  it('name only files that exist in the repository', () => {
    const exists = (relative: string) => existsSync(path.join(repositoryRoot, relative));
    const files = repositoryFiles([...CODE, ...HASH_COMMENTS, ...SLASH_COMMENTS, '.md']);
    expect(files.flatMap((file) => brokenReferences(file, proseOf(file), exists)).join('\n')).toBe('');
  });

  it('are found broken: a link, a repository path, a bare document name, each relative to the right folder', () => {
    const present = new Set([
      'docs',
      'docs/api.md',
      'shared',
      'shared/http',
      'shared/http/routes.ts',
      'README.md',
      'remover',
      'remover/testScenes.ts',
    ]);
    const prose = [
      'See [the API](api.md), [deploy](deploy.md#database), [Azure](https://learn.microsoft.com/x.md) and [up](../README.md).',
      '`shared/http/routes.ts`, `shared/http/gone.ts`, the api.md table, `other.md`, packages/migrate/src/SchemaEngineCLI.ts.',
      'Built into dist/functions/cleanUp.js; `../remover/testScenes.ts`.',
    ].join('\n');
    expect(brokenReferences('docs/web.md', prose, (relative) => present.has(relative))).toEqual([
      'docs/web.md: deploy.md#database',
      'docs/web.md: shared/http/gone.ts',
      'docs/web.md: other.md',
    ]);
  });
});
