import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../user-error.js';

const TEST_FILE = /\.ya?ml$/i;

/**
 * The test files named on the command line: files as given, folders searched recursively for *.yaml / *.yml (in
 * name order, so runs are listed the same way everywhere). A path that does not exist is bad input (exit 2).
 */
export function collectTestFiles(paths: readonly string[]): string[] {
  if (paths.length === 0) throw new UserError('which tests? give test files or folders (doppel test examples/tests)');
  const files: string[] = [];
  for (const path of paths) {
    if (!existsSync(path)) throw new UserError(`test file or folder not found: ${path}`);
    if (statSync(path).isDirectory()) files.push(...walk(path));
    else files.push(path);
  }
  if (files.length === 0) throw new UserError(`no test files (*.yaml, *.yml) in ${paths.join(', ')}`);
  return [...new Set(files)];
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(path));
    else if (entry.isFile() && TEST_FILE.test(entry.name)) out.push(path);
  }
  return out;
}
