import type { SimulationRow } from '@doppel/catalog';
import type { Simulation } from '@doppel/twin/contracts';
import type { ServerContext } from '../context.js';
import { notFound } from '../errors.js';
import type { SimInfo } from '../sim/protocol.js';

/** The API view of a simulation: its catalog row, overlaid with live facts when its worker runs. */
export function simulationView(row: SimulationRow, live: SimInfo | null): Simulation {
  const scenario = JSON.parse(row.scenario_json) as { sha256?: string };
  const failed = row.status === 'failed';
  return {
    id: row.id,
    name: row.name,
    pack: row.pack,
    example: row.example,
    status: failed ? 'failed' : (live?.status ?? row.status),
    simTime: live?.now ?? row.sim_time,
    durationS: row.duration_s,
    speed: live?.speed ?? row.speed,
    playing: !failed && (live?.playing ?? false),
    startIso: row.start_iso,
    timezone: row.timezone,
    seed: row.seed,
    parentId: row.parent_id,
    forkTime: row.fork_time,
    headSeq: live?.headSeq ?? row.head_seq,
    headHash: live?.headHash ?? row.head_hash,
    error: failed ? row.error : (live?.error ?? row.error),
    /** The breakpoint the simulation stopped at, while it stands there. */
    breakpoint: live?.breakpoint ?? null,
    /** Debug mode while the simulation runs in a worker: `awaitingAck` shows the Continue button. */
    debug: live?.debug ?? null,
    createdAt: row.created_at,
    scenarioSha256: scenario.sha256 ?? '',
  };
}

/** A simulation's view with fresh live facts (asked of the worker when it runs; interventions move the head too). */
export async function currentSimulationView(ctx: ServerContext, simId: string): Promise<Simulation> {
  const live = ctx.manager.isLoaded(simId)
    ? await ctx.manager
        .simulation(simId)
        .info()
        .catch(() => null)
    : null;
  const row = await ctx.catalog.simulation(simId);
  if (row === null) throw notFound(`Simulation ${simId}`);
  return simulationView(row, live ?? ctx.manager.liveInfo(simId));
}
