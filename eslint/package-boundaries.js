// A lint rule that holds the package boundaries no import pattern can express: a relative import never leaves the
// package its file belongs to, and an import of a workspace package names only a subpath that package exports
// (so nobody reaches into another package's src/ or its internals).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';

const packageRootCache = new Map();

/** The folder of the nearest package.json at or above `dir`, or undefined. */
function packageRootOf(dir) {
  const seen = [];
  let current = dir;
  for (;;) {
    const cached = packageRootCache.get(current);
    if (cached !== undefined) {
      for (const d of seen) packageRootCache.set(d, cached);
      return cached;
    }
    seen.push(current);
    if (existsSync(join(current, 'package.json'))) {
      for (const d of seen) packageRootCache.set(d, current);
      return current;
    }
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

const manifestCache = new Map();

/** The package.json of the workspace package `name`, found through node_modules from `fromDir` upward. */
function manifestOf(name, fromDir) {
  const key = `${fromDir}\0${name}`;
  if (manifestCache.has(key)) return manifestCache.get(key);
  let manifest;
  let current = fromDir;
  for (;;) {
    const candidate = join(current, 'node_modules', ...name.split('/'), 'package.json');
    if (existsSync(candidate)) {
      manifest = JSON.parse(readFileSync(candidate, 'utf8'));
      break;
    }
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  manifestCache.set(key, manifest);
  return manifest;
}

function exportedSubpaths(manifest) {
  const { exports } = manifest;
  if (exports === undefined) return ['.'];
  if (typeof exports === 'string' || Array.isArray(exports)) return ['.'];
  const keys = Object.keys(exports);
  return keys.some((k) => k.startsWith('.')) ? keys : ['.'];
}

function subpathAllowed(subpath, exported) {
  return exported.some((key) => {
    if (key === subpath) return true;
    const star = key.indexOf('*');
    return star >= 0 && subpath.startsWith(key.slice(0, star)) && subpath.endsWith(key.slice(star + 1));
  });
}

const scopePrefix = '@doppel/';

/** @type {import('eslint').Rule.RuleModule} */
const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports stay inside their package or go through another package’s exports.' },
    schema: [],
    messages: {
      relativeEscape:
        'Relative import "{{source}}" leaves this package ({{from}}) for {{to}}: import the other package by its name.',
      notExported: '"{{source}}" is not an export of {{name}} (its exports: {{exports}}): import a published entry.',
    },
  },
  create(context) {
    const filename = context.filename;
    const fileDir = dirname(filename);
    const ownRoot = packageRootOf(fileDir);

    function check(node, source) {
      if (typeof source !== 'string') return;
      if (source.startsWith('./') || source.startsWith('../')) {
        if (ownRoot === undefined) return;
        const target = resolve(fileDir, source);
        const inside = target === ownRoot || target.startsWith(ownRoot + sep);
        // A nested package.json below this package's root (another workspace package) is a boundary too.
        const targetRoot = packageRootOf(dirname(target));
        if (!inside || targetRoot !== ownRoot) {
          context.report({
            node,
            messageId: 'relativeEscape',
            data: { source, from: ownRoot, to: targetRoot ?? target },
          });
        }
        return;
      }
      if (!source.startsWith(scopePrefix)) return;
      const parts = source.split('/');
      const name = parts.slice(0, 2).join('/');
      const subpath = parts.length > 2 ? `./${parts.slice(2).join('/')}` : '.';
      if (subpath === '.') return;
      const manifest = manifestOf(name, fileDir);
      if (manifest === undefined) return; // an unknown package fails at type-check and in no-extraneous checks
      const exported = exportedSubpaths(manifest);
      if (!subpathAllowed(subpath, exported)) {
        context.report({ node, messageId: 'notExported', data: { source, name, exports: exported.join(', ') } });
      }
    }

    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
    };
  },
};

export default { rules: { 'package-boundaries': rule } };
