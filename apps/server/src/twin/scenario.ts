import type { Account, SimulationRow, VehicleRow } from '@doppel/catalog';
import { twinScenarioDocument, twinScenarioParams } from '@doppel/pack-fleet';
import type { TwinScenarioRequest } from '@doppel/twin/contracts';
import type { ServerContext } from '../context.js';
import { ServerError, ServerErrorCode } from '../errors.js';

/** A typed scenario of the fleet library made a simulation: its row, the vehicle under test and the checked params. */
export interface TwinScenarioCreated {
  readonly row: SimulationRow;
  readonly vehicle: VehicleRow | null;
  readonly params: Record<string, unknown>;
  readonly modelType: Parameters<typeof twinScenarioDocument>[2];
}

/**
 * Creates the simulation of a typed scenario request (`POST /api/v1/twin/scenarios`, a step protocol `reset`): the
 * vehicle must be the account's, the parameters those of the type; issues name `<prefix>.<field>`. The vehicle's
 * latest scenario becomes this one (unless it sweeps).
 */
export async function createTwinScenario(
  ctx: ServerContext,
  account: Account,
  body: TwinScenarioRequest,
  prefix = 'body',
): Promise<TwinScenarioCreated> {
  const vehicle = body.vehicle_id === undefined ? null : await ctx.catalog.ownedVehicle(account.id, body.vehicle_id);
  if (body.vehicle_id !== undefined && vehicle === null) {
    throw new ServerError(ServerErrorCode.Validation, `Unknown vehicle ${body.vehicle_id}`, {
      issues: [
        {
          path: `${prefix}.vehicle_id`,
          message: 'no such vehicle: create it with POST /api/v1/twin/vehicles',
          found: body.vehicle_id,
        },
      ],
    });
  }
  const checked = twinScenarioParams(body);
  const issues = checked.issues.map((issue) => ({ ...issue, path: issue.path.replace(/^body/, prefix) }));
  if (issues.length > 0) {
    throw new ServerError(ServerErrorCode.Validation, issues.map((i) => `${i.path}: ${i.message}`).join('; '), {
      issues,
    });
  }
  const modelType = (vehicle?.model_type ?? 'sedan') as TwinScenarioCreated['modelType'];
  const document = twinScenarioDocument(body, checked.params, modelType);
  const row = await ctx.manager.create(account, { scenario: JSON.stringify(document), seed: body.seed });
  if (vehicle !== null && body.sweep === undefined) await ctx.catalog.setVehicleSimulation(vehicle.id, row.id, 'ego');
  return { row, vehicle, params: checked.params, modelType };
}
