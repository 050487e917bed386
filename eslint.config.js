// Lint rules that keep the architecture honest: dependency direction between packages and the
// determinism bans (no wall clock, no Math.random, no timers) in the simulation core.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

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
];

const layer = (files, forbidden, extraPatterns = []) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: forbidden.map((name) => ({ name, message: `This layer must not depend on ${name}.` })),
        patterns: extraPatterns,
      },
    ],
  },
});

const apps = ['@doppel/cli', '@doppel/server', '@doppel/web'];
const packs = ['@doppel/pack-swap', '@doppel/pack-line', '@doppel/pack-fleet'];

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
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'require-yield': 'off',
    },
  },
  // engine: imports nothing of ours and nothing of node.
  layer(
    ['packages/engine/src/**/*.ts'],
    ['@doppel/twin', ...packs, ...apps, '@doppel/store-sqlite', '@doppel/client'],
    [
      {
        group: ['node:*', 'fs', 'path', 'os', 'worker_threads', 'crypto'],
        message: 'The engine has no node dependencies.',
      },
    ],
  ),
  layer(['packages/twin/src/**/*.ts'], [...packs, ...apps, '@doppel/store-sqlite', '@doppel/client']),
  layer(['packages/packs/swap/src/**/*.ts'], ['@doppel/pack-line', ...apps, '@doppel/store-sqlite', '@doppel/client']),
  layer(['packages/packs/line/src/**/*.ts'], ['@doppel/pack-swap', ...apps, '@doppel/store-sqlite', '@doppel/client']),
  layer(
    ['packages/packs/fleet/src/**/*.ts'],
    ['@doppel/pack-swap', '@doppel/pack-line', ...apps, '@doppel/store-sqlite', '@doppel/client'],
  ),
  layer(['packages/store-sqlite/src/**/*.ts', 'packages/client/src/**/*.ts', 'bench/src/**/*.ts'], apps),
  {
    files: ['packages/engine/src/**/*.ts', 'packages/twin/src/**/*.ts', 'packages/packs/*/src/**/*.ts'],
    ignores: ['packages/twin/src/ports/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', ...nondeterministicGlobals],
      'no-restricted-syntax': ['error', ...nondeterministicSyntax],
    },
  },
  {
    files: ['apps/web/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
