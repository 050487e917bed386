import type { Account, VehicleRow } from '@doppel/catalog';
import { liveForkDocument, type ForkedVehicle } from '@doppel/pack-fleet';
import {
  MAX_FORK_VEHICLES,
  type TwinForkedVehicle,
  type TwinLiveFork,
  type TwinLiveForkRequest,
  type TwinLiveVehicle,
} from '@doppel/twin/contracts';
import type { ServerContext } from '../context.js';
import { ServerError, ServerErrorCode, type ProblemIssue } from '../errors.js';

/** How long a fork runs unless the request says, s. */
const DEFAULT_FORK_DURATION_S = 30;

const refused = (message: string, issues: ProblemIssue[]): ServerError =>
  new ServerError(ServerErrorCode.Validation, message, { issues });

/** A mirrored vehicle with its catalog row: what a fork copies. */
interface Candidate {
  readonly row: VehicleRow;
  readonly view: TwinLiveVehicle;
}

/**
 * The vehicles a fork copies: those named (each must be the account's and mirrored; issues name
 * `body.vehicle_ids.<i>`), or every mirrored vehicle of the account.
 */
async function candidates(ctx: ServerContext, account: Account, ids: readonly string[] | undefined) {
  const out: Candidate[] = [];
  if (ids === undefined) {
    for (const id of await ctx.catalog.vehicleIds(account.id)) {
      const view = ctx.mirror.view(id);
      const row = view === null ? null : await ctx.catalog.ownedVehicle(account.id, id);
      if (view !== null && row !== null) out.push({ row, view });
    }
    if (out.length === 0) {
      throw refused('Nothing to fork: no vehicle of this account has sent telemetry', [
        {
          path: 'body.vehicle_ids',
          message: 'no mirrored vehicle: publish telemetry (MQTT or PUT /api/v1/twin/vehicles/{id}/telemetry) first',
          found: 'none mirrored',
        },
      ]);
    }
    if (out.length > MAX_FORK_VEHICLES) {
      throw refused(`Too many mirrored vehicles to fork at once (${out.length})`, [
        {
          path: 'body.vehicle_ids',
          message: 'name the vehicles to copy',
          expected: `at most ${MAX_FORK_VEHICLES}`,
          found: String(out.length),
        },
      ]);
    }
    return out;
  }
  const issues: ProblemIssue[] = [];
  const seen = new Set<string>();
  for (const [i, id] of ids.entries()) {
    const path = `body.vehicle_ids.${i}`;
    if (seen.has(id)) {
      issues.push({ path, message: 'listed twice', found: id });
      continue;
    }
    seen.add(id);
    const row = await ctx.catalog.ownedVehicle(account.id, id);
    const view = row === null ? null : ctx.mirror.view(id);
    if (row === null) issues.push({ path, message: 'no such vehicle', found: id });
    else if (view === null) issues.push({ path, message: 'not mirrored: it has sent no telemetry yet', found: id });
    else out.push({ row, view });
  }
  if (issues.length > 0) throw refused(issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);
  return out;
}

const forkedView = ({ row, view }: Candidate): TwinForkedVehicle => ({
  vehicle_id: row.id,
  model_type: row.model_type,
  status: view.status,
  ts: view.ts,
  age_ms: view.age_ms,
  x_m: view.measured.x_m,
  y_m: view.measured.y_m,
  heading_deg: view.measured.heading_deg,
  speed_mps: view.measured.speed_mps,
});

/**
 * Forks the live mirror into a what-if simulation (`POST /api/v1/twin/live/fork`): a `live_fork` scenario whose
 * vehicles start from their last measurements, created paused at 0 so the user can make a change and run it. The
 * measurements are in the scenario, so the fork is reproducible long after the vehicles have moved on.
 */
export async function forkLiveFleet(
  ctx: ServerContext,
  account: Account,
  body: TwinLiveForkRequest,
): Promise<TwinLiveFork> {
  const forkedAt = new Date().toISOString();
  const copied = (await candidates(ctx, account, body.vehicle_ids)).map(forkedView);
  const durationS = body.duration_s ?? DEFAULT_FORK_DURATION_S;
  const seed = body.seed ?? 1;
  const weather = body.weather ?? 'dry';
  const vehicles: ForkedVehicle[] = copied.map((v) => ({
    id: v.vehicle_id,
    model_type: v.model_type as ForkedVehicle['model_type'],
    x_m: v.x_m,
    y_m: v.y_m,
    heading_deg: v.heading_deg,
    speed_mps: v.speed_mps,
  }));
  const document = liveForkDocument(vehicles, { forkedAt, durationS, seed, weather, name: body.name });
  const row = await ctx.manager.create(account, { scenario: JSON.stringify(document), seed });
  return {
    simulation_id: row.id,
    status: row.status,
    forked_at: forkedAt,
    scenario: { type: 'live_fork', weather, duration_s: durationS, seed },
    vehicles: copied,
  };
}
