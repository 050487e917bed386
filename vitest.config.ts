import { defineConfig } from 'vitest/config';

// Tests import workspace packages from their TypeScript sources (the "@doppel/source" export condition),
// so a test run never depends on a stale build. Vitest hands these conditions to Node for require() too, where
// "import" would load a package's ESM build into CommonJS (pg's pool breaks): Node adds "import" to imports anyway.
const conditions = ['@doppel/source', 'module', 'node', 'default'];

/**
 * Files that judge time or liveness (stall and heartbeat deadlines, crashes at random points, delivery schedules,
 * fault injection under load) or drive a real browser. They run one at a time after everything else, so no other
 * test file competes with them for the CPU.
 */
const ALONE = [
  // Server end-to-end files that only check answers, not timing, may run beside another file.
  'test/e2e/server-!(models|fmus|postgres-store|experiments|opcua).test.ts',
  'test/e2e/web-*.test.ts',
  'test/e2e/webhook-*.test.ts',
  'test/e2e/cli-enactor-module.test.ts',
  'test/e2e/cli-fleet-policy.test.ts',
  'apps/server/test/busy-worker.test.ts',
  'apps/server/test/webhook-delivery.test.ts',
  'apps/server/test/hostile-input.test.ts',
  'apps/server/test/fuzz.test.ts',
];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default of one worker less than the cores would run every file alone on a 2-core machine.
    projects: [
      {
        extends: true,
        test: {
          name: 'shared',
          include: [
            'packages/**/test/**/*.test.ts',
            'apps/*/test/**/*.test.ts',
            'bench/test/**/*.test.ts',
            'test/e2e/**/*.test.ts',
            'test/layers/**/*.test.ts',
          ],
          exclude: ['**/node_modules/**', '**/dist/**', ...ALONE],
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'alone',
          include: ALONE,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
