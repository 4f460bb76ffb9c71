import { DevhostError } from '../errors.js';

/**
 * A blob trigger `path` such as `originals/{name}` or `uploads/{folder}/{file}.png`: the container to
 * watch, the listing prefix, and the binding parameters a blob name yields (`{name}` may span folders).
 */
export interface BlobPathPattern {
  container: string;
  prefix: string;
  match(blobName: string): Record<string, string> | undefined;
}

export function parseBlobPath(path: string): BlobPathPattern {
  const [container = '', ...rest] = path.replace(/^\/+/, '').split('/');
  if (!container || container.includes('{')) throw new DevhostError(`Blob trigger path "${path}" must start with a container name.`);
  const blobPattern = rest.join('/');
  const names: string[] = [];
  const source = blobPattern
    ? blobPattern
        .split(/(\{[^{}]+\})/)
        .map((part) => {
          const parameter = /^\{(\w+)\}$/.exec(part);
          if (!parameter) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(parameter[1]!);
          return '(.+)';
        })
        .join('')
    : '.+';
  const expression = new RegExp(`^${source}$`);
  const firstParameter = blobPattern.indexOf('{');
  return {
    container,
    prefix: firstParameter === -1 ? blobPattern : blobPattern.slice(0, firstParameter),
    match(blobName) {
      const found = expression.exec(blobName);
      if (!found) return undefined;
      return Object.fromEntries(names.map((name, index) => [name, found[index + 1]!]));
    },
  };
}
