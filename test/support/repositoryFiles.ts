import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** The repository's root folder (this file is test/support/repositoryFiles.ts). */
export const repositoryRoot = path.resolve(import.meta.dirname, '../..');

/** Folders that hold no file of the repository's own: installed, built, generated or run-time data. */
const NOT_OURS = new Set(['node_modules', 'dist', 'coverage', 'generated']);

/**
 * The repository's own files whose names end with one of `extensions`, as repo-relative paths with `/`
 * separators, sorted. Hidden folders (`.git`, `.data`, `.deploy`, caches) are skipped.
 */
export function repositoryFiles(extensions: readonly string[]): string[] {
  const found: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(path.join(repositoryRoot, folder), { withFileTypes: true })) {
      const relative = folder ? `${folder}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && !NOT_OURS.has(entry.name)) walk(relative);
      } else if (extensions.some((extension) => entry.name.endsWith(extension))) {
        found.push(relative);
      }
    }
  };
  walk('');
  return found.sort();
}

export function readRepositoryFile(relativePath: string): string {
  return readFileSync(path.join(repositoryRoot, relativePath), 'utf8');
}

/** One import of a repository file by another: `import`, `export … from` or `import()`. */
export interface ImportEdge {
  target: string;
  /** `import type` / `export type`: erased when compiled, so it loads nothing at run time. */
  typeOnly: boolean;
}

const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts'];

/**
 * The import graph of the repository's TypeScript files: for each file, the repository files it
 * imports. Only relative specifiers name our own files; `./x.js` is the compiled name of `./x.ts`.
 */
export function importGraph(): Map<string, ImportEdge[]> {
  const files = repositoryFiles(SOURCE_EXTENSIONS).filter((file) => !file.endsWith('.d.ts'));
  const known = new Set(files);
  const graph = new Map<string, ImportEdge[]>();
  for (const file of files) {
    const edges: ImportEdge[] = [];
    for (const { specifier, typeOnly } of importsOf(file)) {
      if (!specifier.startsWith('.')) continue;
      const target = resolveOwnFile(path.posix.join(path.posix.dirname(file), specifier), known);
      if (target) edges.push({ target, typeOnly });
    }
    graph.set(file, edges);
  }
  return graph;
}

function resolveOwnFile(joined: string, known: Set<string>): string | undefined {
  const stem = joined.replace(/\.(m?js|jsx)$/, '');
  const candidates = [joined, ...SOURCE_EXTENSIONS.map((extension) => stem + extension), `${joined}/index.ts`];
  return candidates.find((candidate) => known.has(candidate));
}

function importsOf(file: string): { specifier: string; typeOnly: boolean }[] {
  const source = ts.createSourceFile(file, readRepositoryFile(file), ts.ScriptTarget.Latest, false);
  const found: { specifier: string; typeOnly: boolean }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const allTypes =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((element) => element.isTypeOnly)));
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: allTypes });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push({ specifier: node.arguments[0].text, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}
