import { defineConfig } from 'vitest/config';

// Tests import workspace packages from their TypeScript sources (the "@doppel/source" export condition),
// so a test run never depends on a stale build. Vitest hands these conditions to Node for require() too, where
// "import" would load a package's ESM build into CommonJS (pg's pool breaks): Node adds "import" to imports anyway.
export default defineConfig({
  resolve: { conditions: ['@doppel/source', 'module', 'node', 'default'] },
  ssr: { resolve: { conditions: ['@doppel/source', 'module', 'node', 'default'] } },
  test: {
    include: [
      'packages/**/test/**/*.test.ts',
      'apps/*/test/**/*.test.ts',
      'bench/test/**/*.test.ts',
      'test/e2e/**/*.test.ts',
      'test/layers/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
