import { mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Each probe is a file placed where a leak would live, written into the real tree so the repository's own
// eslint.config.js judges it by path exactly as `npm run lint` would; the folders are removed afterwards.
const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tag = `lint-probe-${process.pid}-${Math.floor(Math.random() * 1e9)}`;
const created: string[] = [];

interface Probe {
  /** Where the file goes, relative to the repository, with TAG standing for a fresh folder name. */
  at: string;
  code: string;
  /** The rule expected to refuse it, or null for a control file that must pass. */
  refusedBy: string | null;
}

const probes: Record<string, Probe> = {
  'a store importing a pack': {
    at: 'packages/store-sqlite/src/TAG/probe.ts',
    code: "import { swapPack } from '@doppel/pack-swap';\nexport const p = swapPack;\n",
    refusedBy: 'no-restricted-imports',
  },
  'a store to come importing a pack': {
    at: 'packages/store-TAG/src/probe.ts',
    code: "export * from '@doppel/pack-line';\n",
    refusedBy: 'no-restricted-imports',
  },
  'a bridge to come importing a pack': {
    at: 'packages/bridges/TAG/src/probe.ts',
    code: "import { swapPack } from '@doppel/pack-swap';\nexport const p = swapPack;\n",
    refusedBy: 'no-restricted-imports',
  },
  'the catalog importing a pack': {
    at: 'packages/catalog/src/TAG/probe.ts',
    code: "import { linePack } from '@doppel/pack-line';\nexport const p = linePack;\n",
    refusedBy: 'no-restricted-imports',
  },
  'a pack importing a store': {
    at: 'packages/packs/line/src/TAG/probe.ts',
    code: "export { SqliteLedgerStore } from '@doppel/store-sqlite';\n",
    refusedBy: 'no-restricted-imports',
  },
  'a package importing an app': {
    at: 'packages/verify/src/TAG/probe.ts',
    code: "export { startServer } from '@doppel/server';\n",
    refusedBy: 'no-restricted-imports',
  },
  'a pack importing another pack': {
    at: 'packages/packs/swap/src/TAG/probe.ts',
    code: "import { linePack } from '@doppel/pack-line';\nexport const p = linePack;\n",
    refusedBy: 'no-restricted-imports',
  },
  'a pack to come importing another pack': {
    at: 'packages/packs/TAG/src/probe.ts',
    code: "export { swapPack } from '@doppel/pack-swap';\n",
    refusedBy: 'no-restricted-imports',
  },
  'a relative import into another package’s src': {
    at: 'packages/store-sqlite/src/TAG/probe.ts',
    code: "import { Simulation } from '../../../twin/src/index.js';\nexport const p = Simulation;\n",
    refusedBy: 'doppel/package-boundaries',
  },
  'a relative import from an app into a package': {
    at: 'apps/server/src/TAG/probe.ts',
    code: "export * from '../../../../packages/client/src/index.js';\n",
    refusedBy: 'doppel/package-boundaries',
  },
  'a deep import into another package’s src': {
    at: 'apps/cli/src/TAG/probe.ts',
    code: "import { Simulation } from '@doppel/twin/src/session/simulation.js';\nexport const p = Simulation;\n",
    refusedBy: 'doppel/package-boundaries',
  },
  'a subpath the package does not export': {
    at: 'apps/server/src/TAG/probe.ts',
    code: "export const m = await import('@doppel/twin/ledger');\n",
    refusedBy: 'doppel/package-boundaries',
  },
  'globalThis.crypto in the engine': {
    at: 'packages/engine/src/TAG/probe.ts',
    code: 'export const id = (): string => globalThis.crypto.randomUUID();\n',
    refusedBy: 'no-restricted-syntax',
  },
  'a host global in the engine': {
    at: 'packages/engine/src/TAG/probe.ts',
    code: 'export const copy = <T>(x: T): T => structuredClone(x);\n',
    refusedBy: 'no-restricted-globals',
  },
  'a Node module in the engine': {
    at: 'packages/engine/src/TAG/probe.ts',
    code: "import { randomBytes } from 'crypto';\nexport const r = randomBytes;\n",
    refusedBy: 'no-restricted-imports',
  },
  'the web importing the twin’s Node entry': {
    at: 'apps/web/src/TAG/probe.ts',
    code: "import { Simulation } from '@doppel/twin';\nexport const p = Simulation;\n",
    refusedBy: 'no-restricted-imports',
  },
  'the web importing the server': {
    at: 'apps/web/src/TAG/probe.ts',
    code: "export { buildApp } from '@doppel/server';\n",
    refusedBy: 'no-restricted-imports',
  },
  'the web importing a Node module': {
    at: 'apps/web/src/TAG/probe.ts',
    code: "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n",
    refusedBy: 'no-restricted-imports',
  },
  'the client importing the twin’s Node entry': {
    at: 'packages/client/src/TAG/probe.ts',
    code: "import { Simulation } from '@doppel/twin';\nexport const p = Simulation;\n",
    refusedBy: 'no-restricted-imports',
  },
  // Controls: what the rules allow must still pass, or the refusals above prove nothing.
  'control: the web importing the client and the contract': {
    at: 'apps/web/src/TAG/probe.ts',
    code: "export { DoppelClient } from '@doppel/client';\nexport type { LedgerEvent } from '@doppel/twin/contracts';\n",
    refusedBy: null,
  },
  'control: a store importing the twin': {
    at: 'packages/store-sqlite/src/TAG/probe.ts',
    code: "import { MemoryLedgerStore } from '@doppel/twin';\nimport { local } from './sibling.js';\nexport const p = [MemoryLedgerStore, local];\n",
    refusedBy: null,
  },
  'control: the engine using JavaScript’s own globals': {
    at: 'packages/engine/src/TAG/probe.ts',
    code: 'export const f = (xs: number[]): number => Math.max(...xs, Number.MAX_SAFE_INTEGER) + JSON.stringify(new Map()).length;\n',
    refusedBy: null,
  },
};

const files = new Map<string, string>();

function ensureDir(dir: string): void {
  // Remember the outermost folder this test creates, so cleaning up leaves the tree as it was.
  let top = dir;
  while (!existsSync(dirname(top))) top = dirname(top);
  if (!existsSync(top)) created.push(top);
  mkdirSync(dir, { recursive: true });
}

beforeAll(() => {
  let n = 0;
  for (const [name, probe] of Object.entries(probes)) {
    const path = join(repo, probe.at.replace('TAG', tag)).replace(/probe\.ts$/, `probe-${n++}.ts`);
    ensureDir(dirname(path));
    writeFileSync(path, probe.code);
    files.set(name, path);
  }
});

afterAll(() => {
  for (const path of files.values()) rmSync(path, { force: true });
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
  for (const path of files.values()) {
    const dir = dirname(path);
    if (dir.includes(tag)) rmSync(dir.slice(0, dir.indexOf(tag) + tag.length), { recursive: true, force: true });
  }
});

describe('layer rules', () => {
  it('refuses each leak and passes each control', async () => {
    const eslint = new ESLint({ cwd: repo });
    const results = await eslint.lintFiles([...files.values()]);
    const byPath = new Map(results.map((r) => [r.filePath, r]));
    const verdicts = Object.fromEntries(
      Object.entries(probes).map(([name, probe]) => {
        const result = byPath.get(files.get(name)!);
        const rules = (result?.messages ?? []).map((m) => m.ruleId ?? `fatal: ${m.message}`);
        return [name, probe.refusedBy === null ? rules : rules.includes(probe.refusedBy) ? probe.refusedBy : rules];
      }),
    );
    const expected = Object.fromEntries(Object.entries(probes).map(([name, p]) => [name, p.refusedBy ?? []]));
    expect(verdicts).toEqual(expected);
  }, 120_000);
});
