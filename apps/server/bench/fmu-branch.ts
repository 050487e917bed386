/**
 * Branching a process simulation with an FMU: the branch re-executes the shared history, either stepping the FMU
 * again from t = 0 (an FMU that cannot save its state) or answering its calls from the parent's trace and restoring
 * its saved state at the end (canGetAndSetFMUstate + canSerializeFMUstate). Both branches must write the same
 * ledger (their head hashes are compared). Runs the FMU components exactly as the server's simulation workers do
 * (uploadedFmuRunner, one host process per instance), in this process.
 * Run: npx tsx --conditions=@doppel/source apps/server/bench/fmu-branch.ts [--prefix SECONDS]
 * Prints one JSON object: prefix length, FMU steps in it, wall and CPU time of each kind of branch, the ratio.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { testFmu } from '@doppel/bridge-fmi/testing';
import { fmuResumesOf, processPack, tracedFmuRunner, useFmuRunner } from '@doppel/pack-process';
import { MemoryLedgerStore, resolveScenarioObject, Simulation } from '@doppel/twin';
import { uploadedFmuRunner } from '../src/fmus/fmu-runner.js';

const args = process.argv.slice(2);
const prefixS = Number(args[args.indexOf('--prefix') + 1] || 300);
const stepS = 0.01;

const dir = mkdtempSync(join(tmpdir(), 'doppel-fmu-branch-bench-'));
mkdirSync(dir, { recursive: true });
copyFileSync(testFmu('lag'), join(dir, 'lag.fmu'));
const inner = uploadedFmuRunner(dir);

const scenario = resolveScenarioObject(
  {
    doppel: 1,
    name: 'fmu-branch',
    pack: 'process',
    duration: prefixS * 2,
    seed: 1,
    process: {
      step_s: stepS,
      components: [
        { id: 'supply', type: 'source', properties: { kind: 'sine', amplitude: 1, frequency_hz: 0.1, offset: 2 } },
        {
          id: 'lag',
          type: 'fmu',
          properties: {
            fmu: 'lag',
            parameters: { T: 2 },
            variables: [
              { name: 'u', causality: 'input', variability: 'continuous', type: 'Real', start: 1 },
              { name: 'y', causality: 'output', variability: 'continuous', type: 'Real', start: 0 },
              { name: 'T', causality: 'parameter', variability: 'fixed', type: 'Real', start: 1 },
            ],
          },
        },
      ],
      connections: [
        { source_component_id: 'supply', source_port: 'out', target_component_id: 'lag', target_port: 'u' },
      ],
    },
  },
  { packs: [processPack], fileName: 'fmu-branch.yaml' },
);

/** Wall and CPU time (this process and its finished children: the FMU hosts) of one branch at the prefix's end. */
async function timedBranch(parent: Simulation): Promise<{ wallMs: number; cpuMs: number; head: string }> {
  const cpu = process.cpuUsage();
  const begin = process.hrtime.bigint();
  // One id for both branches: the ledger hash covers the simulation's id.
  const branch = await parent.branch(prefixS, [], { simId: 'branch' });
  const wallMs = Number(process.hrtime.bigint() - begin) / 1e6;
  const used = process.cpuUsage(cpu);
  branch.runUntil(prefixS + 10);
  const head = branch.head().hash;
  await branch.flush();
  await parent.store?.deleteSimulation('branch');
  return { wallMs, cpuMs: (used.user + used.system) / 1000, head };
}

useFmuRunner(tracedFmuRunner(inner));
const parent = await Simulation.create({ scenario, packs: [processPack], store: new MemoryLedgerStore() });
parent.runUntil(prefixS);

// Re-execution: the FMU components start afresh and step through the whole prefix.
useFmuRunner(inner);
const reexecuted = await timedBranch(parent);
// Restored: the calls of the prefix come from the parent's trace, the state from the parent's FMU.
useFmuRunner(tracedFmuRunner(inner, fmuResumesOf(parent.assets()).resumes));
const restored = await timedBranch(parent);

if (reexecuted.head !== restored.head) throw new Error('the two branches wrote different ledgers');
rmSync(dir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    prefix_s: prefixS,
    fmu_steps_in_prefix: Math.round(prefixS / stepS),
    reexecuted_branch: { wall_ms: Math.round(reexecuted.wallMs), cpu_ms_this_process: Math.round(reexecuted.cpuMs) },
    restored_branch: { wall_ms: Math.round(restored.wallMs), cpu_ms_this_process: Math.round(restored.cpuMs) },
    wall_ratio: Number((reexecuted.wallMs / restored.wallMs).toFixed(2)),
    same_ledger_head: true,
    load_average_1m: Number(loadavg()[0]?.toFixed(2)),
  }),
);
process.exit(0);
