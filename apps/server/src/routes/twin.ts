import { z } from 'zod';
import { principalOf } from '../http/auth.js';
import type { App } from '../http/types.js';
import type { ServerContext } from '../context.js';
import { newId } from '../catalog/keys.js';
import type { VehicleRow } from '../catalog/rows.js';
import { notFound, ServerError, ServerErrorCode } from '../errors.js';
import { jsonValue, simParams } from './schemas.js';
import { simulationView } from './views.js';

/** Scenario types of seed 001 and the pack that would provide them. */
const FLEET_SCENARIO_TYPES = [
  'emergency_braking',
  'obstacle_avoidance',
  'intersection_collision',
  'pedestrian_crossing',
  'fuel_efficiency',
  'route_optimization',
  'traffic_flow',
  'parking_maneuvers',
  'sensor_failure',
  'weather_extremes',
  'construction_zones',
  'unusual_traffic_patterns',
];

const vehicleView = (row: VehicleRow) => ({
  id: row.id,
  physical_vehicle_id: row.physical_vehicle_id,
  model_type: row.model_type,
  simulation_id: row.simulation_id,
  asset_id: row.asset_id,
  created_at: row.created_at,
});

/**
 * Seed 001's Twin API on the same engine: vehicles are the swap pack's vehicle assets (plus registered virtual
 * vehicle records), scenarios are Doppel scenarios, results are run summaries.
 */
export function twinRoutes(app: App, ctx: ServerContext): void {
  const tags = ['twin'];

  app.post(
    '/api/v1/twin/vehicles',
    {
      schema: {
        tags,
        summary: 'Register a virtual vehicle (optionally mirrored by a vehicle asset of a simulation)',
        body: z.strictObject({
          physical_vehicle_id: z.string().min(1).max(200),
          model_type: z.string().min(1).max(100),
          simulation_id: z.string().optional(),
          asset_id: z.string().optional(),
        }),
      },
      config: { auth: 'write' },
    },
    async (request, reply) => {
      const account = principalOf(request).account;
      const body = request.body;
      if (body.simulation_id !== undefined && ctx.catalog.ownedSimulation(account.id, body.simulation_id) === null) {
        throw new ServerError(ServerErrorCode.Validation, `Unknown simulation ${body.simulation_id}`, {
          issues: [{ path: 'body.simulation_id', message: 'no such simulation', found: body.simulation_id }],
        });
      }
      const row: VehicleRow = {
        id: newId('twin'),
        account_id: account.id,
        physical_vehicle_id: body.physical_vehicle_id,
        model_type: body.model_type,
        simulation_id: body.simulation_id ?? null,
        asset_id: body.asset_id ?? null,
        created_at: new Date().toISOString(),
      };
      ctx.catalog.insertVehicle(row);
      return reply.code(201).send(vehicleView(row));
    },
  );

  app.get(
    '/api/v1/twin/vehicles/:id/state',
    {
      schema: {
        tags,
        summary: 'State of a virtual vehicle: a registered vehicle, or a vehicle asset of a loaded simulation',
        params: z.strictObject({ id: z.string() }),
        querystring: z.strictObject({ simulationId: z.string().optional() }),
      },
    },
    async (request) => {
      const account = principalOf(request).account;
      const vehicleId = request.params.id;
      const registered = ctx.catalog.ownedVehicle(account.id, vehicleId);
      const simIds =
        registered?.simulation_id != null
          ? [registered.simulation_id]
          : request.query.simulationId !== undefined
            ? [request.query.simulationId]
            : ctx.catalog
                .listSimulations(account.id)
                .filter((row) => row.pack === 'swap' && ctx.manager.isLoaded(row.id))
                .map((row) => row.id);
      const assetId = registered?.asset_id ?? vehicleId;
      for (const simId of simIds) {
        if (ctx.catalog.ownedSimulation(account.id, simId) === null) continue;
        const asset = await ctx.manager.call(simId, 'asset', { id: assetId }).catch(() => null);
        if (asset !== null && asset.kind === 'vehicle') {
          return { vehicle: registered === null ? null : vehicleView(registered), simulation_id: simId, asset };
        }
      }
      if (registered !== null) return { vehicle: vehicleView(registered), simulation_id: null, asset: null };
      throw notFound(`Vehicle ${vehicleId}`);
    },
  );

  app.post(
    '/api/v1/twin/scenarios',
    {
      schema: {
        tags,
        summary:
          'Create a simulation scenario: a Doppel scenario (YAML text or example name); typed fleet scenarios need the fleet pack',
        body: z
          .object({
            type: z.string().optional().describe('Seed 001 scenario type (needs the fleet pack)'),
            scenario: z.string().optional(),
            example: z.string().optional(),
            name: z.string().optional(),
            seed: z.number().int().min(0).optional(),
          })
          .catchall(jsonValue),
      },
      config: { auth: 'write' },
    },
    async (request, reply) => {
      const { type, scenario, example, name, seed, ...rest } = request.body;
      const packs = ctx.manager.packs.list().map((pack) => pack.name);
      if (type !== undefined) {
        const fleet = FLEET_SCENARIO_TYPES.includes(type);
        throw new ServerError(
          ServerErrorCode.UnsupportedScenarioType,
          fleet
            ? `Scenario type "${type}" needs the fleet pack, which is not installed (installed packs: ${packs.join(', ')}). Post a Doppel scenario instead: {"scenario": "<YAML>"} or {"example": "city-100"}.`
            : `Unknown scenario type "${type}" (installed packs: ${packs.join(', ')})`,
          {
            issues: [
              {
                path: 'body.type',
                message: fleet ? 'requires the fleet pack (not installed)' : 'unknown scenario type',
                expected: `a Doppel scenario for one of the installed packs: ${packs.join(', ')}`,
                found: type,
              },
            ],
          },
        );
      }
      const extra = Object.keys(rest);
      if (extra.length > 0) {
        throw new ServerError(ServerErrorCode.Validation, `Unknown fields: ${extra.join(', ')}`, {
          issues: extra.map((key) => ({ path: `body.${key}`, message: 'unknown field' })),
        });
      }
      const row = await ctx.manager.create(principalOf(request).account, { scenario, example, name, seed });
      return reply.code(201).send(simulationView(row, ctx.manager.liveInfo(row.id)));
    },
  );

  app.post(
    '/api/v1/twin/simulations/:simId/run',
    {
      schema: {
        tags,
        summary: 'Execute a simulation: to its end (or `until`) as fast as possible; returns the results',
        params: simParams,
        body: z.strictObject({ until: z.number().min(0).optional() }).default({}),
      },
      config: { auth: 'write' },
    },
    async (request) => {
      const { simId } = request.params;
      const row = ctx.catalog.simulation(simId);
      const until = request.body.until ?? row?.duration_s ?? 0;
      const info = await ctx.manager.call(simId, 'info', {});
      if (info.status !== 'finished') await ctx.manager.call(simId, 'runUntil', { t: until });
      await ctx.manager.persist(simId);
      return ctx.manager.call(simId, 'summary', {});
    },
  );

  app.get(
    '/api/v1/twin/results/:simId',
    { schema: { tags, summary: 'Results of a simulation: KPIs, ledger hash, counts', params: simParams } },
    async (request) => ctx.manager.call(request.params.simId, 'summary', {}),
  );
}
