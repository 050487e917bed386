import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';

/**
 * The file's text, or undefined when it does not exist or is not a file. With `maxBytes`, a larger file is read
 * only up to `maxBytes + 1` bytes: enough for the reader to see it is over the limit without reading gigabytes.
 */
export function readTextFile(path: string, maxBytes = Number.POSITIVE_INFINITY): string | undefined {
  try {
    const stat = statSync(path);
    if (!stat.isFile()) return undefined;
    if (stat.size <= maxBytes) return readFileSync(path, 'utf8');
    const head = Buffer.alloc(maxBytes + 1);
    const fd = openSync(path, 'r');
    try {
      const read = readSync(fd, head, 0, head.length, 0);
      return head.subarray(0, read).toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Names of the entries of a directory, sorted; empty when it does not exist. */
export function listFiles(path: string): string[] {
  try {
    return readdirSync(path).sort();
  } catch {
    return [];
  }
}

/** `relative` under `base` unless it is absolute; kept relative when `base` is, so messages show short paths. */
export function resolvePath(base: string, relative: string): string {
  return isAbsolute(relative) ? relative : join(base, relative);
}

export function directoryOf(path: string): string {
  return dirname(path);
}

export const yamlExtensions = ['.yaml', '.yml'] as const;

/** Document names (file names without .yaml/.yml) in a folder, sorted. */
export function yamlDocumentNames(folder: string): string[] {
  const names = new Set<string>();
  for (const file of listFiles(folder)) {
    const extension = yamlExtensions.find((candidate) => file.endsWith(candidate));
    if (extension) names.add(file.slice(0, -extension.length));
  }
  return [...names].sort();
}

/** Path of the document `name` in `folder` (.yaml preferred over .yml), or undefined. */
export function yamlDocumentPath(folder: string, name: string): string | undefined {
  for (const extension of yamlExtensions) {
    const path = join(folder, `${name}${extension}`);
    if (isFile(path)) return path;
  }
  return undefined;
}
