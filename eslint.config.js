// Lint rules that keep the architecture honest: the layer rules between packages (written as patterns, so a package
// added under packages/packs, packages/bridges or packages/store-* is covered the day it lands) and the determinism
// bans (no wall clock, no Math.random, no timers, no host globals) in the simulation core.
// test/lint-rules.test.ts writes a probe file for each leak these rules exist to stop and expects lint to refuse it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';
import boundaries from './eslint/package-boundaries.js';

const nondeterministicGlobals = ['Date', 'setTimeout', 'setInterval', 'setImmediate', 'performance', 'process'].map(
  (name) => ({
    name,
    message: `${name} is not deterministic: time and randomness are injected (Clock port, RNG streams).`,
  }),
);
const nondeterministicSyntax = [
  {
    selector: "MemberExpression[object.name='Math'][property.name='random']",
    message: 'Math.random is banned: draw from a named RNG stream (env.rng(name)).',
  },
  {
    selector: 'MemberExpression[object.name=/^(globalThis|global|self|window)$/]',
    message: 'The simulation core reaches no host object through the global object: inject what it needs.',
  },
];

// The engine knows JavaScript and nothing else: every global a host (Node, a browser, a worker) adds is refused.
const javascriptOwn = new Set(Object.keys(globals.es2025));
const hostGlobals = [
  ...new Set([...Object.keys(globals.node), ...Object.keys(globals.browser), ...Object.keys(globals.worker)]),
]
  .filter((name) => !javascriptOwn.has(name) && !nondeterministicGlobals.some((g) => g.name === name))
  .map((name) => ({ name, message: `${name} is a host global: the engine uses only what JavaScript itself defines.` }));

const nodeBuiltins = {
  paths: builtinModules.map((name) => ({ name, message: 'This layer runs anywhere: no Node built-in modules.' })),
  patterns: [{ group: ['node:*'], message: 'This layer runs anywhere: no Node built-in modules.' }],
};

// Package names by role, as patterns over the @doppel scope.
const anyApp = '@doppel/(cli|server|web)(/.*)?';
const anyPack = '@doppel/pack-[^/]+(/.*)?';
const anyBridge = '@doppel/bridge-[^/]+(/.*)?';
const anyStore = '@doppel/store-[^/]+(/.*)?';

const forbid = (regex, why) => ({ regex: `^(${regex})$`, message: why });

const layer = (files, { patterns = [], paths = [], ignores = [] }) => ({
  files,
  ignores,
  rules: { 'no-restricted-imports': ['error', { paths, patterns }] },
});

const appsRule = forbid(anyApp, 'Packages never import an app.');

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'test-output/**',
      'apps/web/dist/**',
      'out/**',
      'output/**',
      '**/.scratch/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    plugins: { doppel: boundaries },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'require-yield': 'off',
      // No relative import leaves its package; another package is reached only through a subpath it exports.
      'doppel/package-boundaries': 'error',
    },
  },
  // engine: imports nothing of ours and nothing of a host.
  layer(['packages/engine/**/*.ts'], {
    ...nodeBuiltins,
    patterns: [...nodeBuiltins.patterns, forbid('@doppel/.*', 'The engine depends on no other Doppel package.')],
    ignores: ['packages/engine/test/**'],
  }),
  // twin: the engine and nothing above it.
  layer(['packages/twin/**/*.ts'], {
    patterns: [forbid('@doppel/(?!engine$).*', 'The twin depends only on the engine.')],
  }),
  // packs: the engine and the twin; never another pack, a store, a bridge, the client or an app.
  // (A pack's own benchmarks may write to a store; its source may not.)
  layer(['packages/packs/*/**/*.ts'], {
    patterns: [forbid(anyPack, 'Packs never import each other: share through the twin.'), appsRule],
  }),
  layer(['packages/packs/*/src/**/*.ts'], {
    patterns: [
      forbid(anyPack, 'Packs never import each other: share through the twin.'),
      forbid(`${anyStore}|${anyBridge}|@doppel/client(/.*)?`, 'A pack knows the engine and the twin only.'),
      appsRule,
    ],
  }),
  // stores, the catalog and bridges: never a pack or an app.
  layer(['packages/store-*/**/*.ts', 'packages/catalog/**/*.ts', 'packages/bridges/*/**/*.ts'], {
    patterns: [forbid(anyPack, 'Stores and bridges never import a pack.'), appsRule],
  }),
  // client: speaks the wire contract only.
  layer(['packages/client/**/*.ts'], {
    patterns: [forbid('@doppel/(?!twin/contracts$).*', 'The client depends only on the browser-safe wire contract.')],
  }),
  // other packages, present and to come: never an app.
  layer(['packages/verify/**/*.ts', 'packages/lab/**/*.ts', 'bench/**/*.ts'], { patterns: [appsRule] }),
  // verify runs any pack it is given: it never imports one (its tests do).
  layer(['packages/verify/src/**/*.ts'], {
    patterns: [forbid(anyPack, 'verify is given packs, it never imports one.'), appsRule],
  }),
  // web: the client and the browser-safe contract entries, nothing of Node.
  layer(['apps/web/**/*.{ts,tsx}'], {
    paths: nodeBuiltins.paths,
    patterns: [
      ...nodeBuiltins.patterns,
      forbid(
        '@doppel/(?!client$|twin/contracts$|twin/state-patch$).*',
        'The web UI imports only @doppel/client and the browser-safe contract entries of @doppel/twin.',
      ),
    ],
    ignores: ['apps/web/vite.config.ts'],
  }),
  {
    files: ['packages/engine/src/**/*.ts', 'packages/twin/src/**/*.ts', 'packages/packs/*/src/**/*.ts'],
    ignores: ['packages/twin/src/ports/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', ...nondeterministicGlobals],
      'no-restricted-syntax': ['error', ...nondeterministicSyntax],
    },
  },
  {
    files: ['packages/engine/src/**/*.ts'],
    rules: { 'no-restricted-globals': ['error', ...nondeterministicGlobals, ...hostGlobals] },
  },
  {
    files: ['apps/web/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
