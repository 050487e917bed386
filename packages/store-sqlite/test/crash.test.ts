import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LedgerHasher, encodeLedgerEvent } from '@doppel/twin';
import { testSimulationRecord } from '@doppel/twin/testing';
import { SqliteLedgerStore } from '../src/index.js';
import { CRASH_BATCH_SIZE, CRASH_SIM_ID, crashRecord } from './crash-fixture.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..');
const KILLS = 20;

/** Deterministic kill delays (ms after the child reports ready), so a failure can be replayed. */
function* delays(): Generator<number> {
  let state = 12345;
  for (;;) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    yield 10 + (state % 190);
  }
}

/**
 * Bundles the writer once (esbuild, which tsx is built on), so each of the many child processes starts in
 * milliseconds instead of compiling TypeScript again. It lives under node_modules to resolve better-sqlite3.
 */
async function bundleWriter(): Promise<string> {
  const outDir = join(repoRoot, 'node_modules', '.cache', 'doppel-crash-test');
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, `crash-writer-${process.pid}.mjs`);
  await build({
    entryPoints: [join(here, 'crash-writer.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@doppel/source'],
    external: ['better-sqlite3'],
    // CommonJS dependencies inside an ESM bundle need a require.
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    logLevel: 'silent',
  });
  return outfile;
}

/** Starts the writer, kills it with SIGKILL `delayMs` after it is ready; resolves with the seq it resumed from. */
function runAndKill(script: string, path: string, delayMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, path], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let resumedFrom = -1;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /ready (\d+)/.exec(out);
      if (match !== null && resumedFrom < 0) {
        resumedFrom = Number(match[1]);
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL' && resumedFrom >= 0) resolve(resumedFrom);
      else reject(new Error(`writer exited with ${code ?? signal}: ${err}`));
    });
  });
}

describe('SqliteLedgerStore crash safety', () => {
  const dir = mkdtempSync(join(tmpdir(), 'doppel-crash-'));
  const path = join(dir, 'ledger.db');
  let script = '';
  beforeAll(async () => {
    script = await bundleWriter();
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(script, { force: true });
  });

  it(`keeps a verified, gap-free prefix of whole batches across ${KILLS} SIGKILLs`, { timeout: 60_000 }, async () => {
    const setup = SqliteLedgerStore.open(path);
    await setup.createSimulation(testSimulationRecord(CRASH_SIM_ID));
    await setup.close();

    const oracle = new LedgerHasher();
    const kills = delays();
    let previous = 0;
    for (let round = 0; round < KILLS; round++) {
      const resumedFrom = await runAndKill(script, path, kills.next().value as number);
      expect(resumedFrom).toBe(previous);

      const store = SqliteLedgerStore.open(path);
      try {
        const head = await store.head(CRASH_SIM_ID);
        const verification = await store.verify(CRASH_SIM_ID);
        expect(verification.problems).toEqual([]);
        expect(verification.ok).toBe(true);
        expect(verification.validPrefixSeq).toBe(head.seq);
        expect(head.seq).toBeGreaterThanOrEqual(previous);
        // Only whole batches: the child appends batches of CRASH_BATCH_SIZE after the seq it resumed from.
        expect((head.seq - resumedFrom) % CRASH_BATCH_SIZE).toBe(0);
        for (let seq = oracle.seq + 1; seq <= head.seq; seq++) oracle.add(encodeLedgerEvent(crashRecord(seq)));
        expect(head.hash).toBe(oracle.head().hash);
        expect(verification.headHash).toBe(head.hash);
        const last = await store.query({ simId: CRASH_SIM_ID, order: 'desc', limit: 1 });
        expect(last.map((r) => r.seq)).toEqual(head.seq === 0 ? [] : [head.seq]);
        previous = head.seq;
      } finally {
        await store.close();
      }
    }
    expect(previous).toBeGreaterThan(0);
  });
});
