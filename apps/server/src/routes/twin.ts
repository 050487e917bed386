import { scenarioAccuracies, twinVehicleStateView, type VehicleState } from '@doppel/pack-fleet';
import { idString, type JsonObject, type RunSummary } from '@doppel/twin';
import {
  problemSchema,
  twinResultsSchema,
  twinScenarioCreatedSchema,
  twinLiveFleetSchema,
  twinLiveForkRequestSchema,
  twinLiveForkSchema,
  twinLiveVehicleSchema,
  twinScenarioRequestSchema,
  twinTelemetrySchema,
  twinVehicleRequestSchema,
  twinVehicleSchema,
  twinVehicleStateSchema,
  type TwinResults,
  type TwinVehicle,
} from '@doppel/twin/contracts';
import { z } from 'zod';
import type { VehicleRow } from '@doppel/catalog';
import { notFound, ServerError, ServerErrorCode } from '../errors.js';
import { principalOf } from '../http/auth.js';
import type { RoutePlugin } from '../http/types.js';
import { forkLiveFleet } from '../twin/live-fork.js';
import { createTwinScenario } from '../twin/scenario.js';
import { simParams } from './schemas.js';

const vehicleView = (row: VehicleRow): TwinVehicle => ({
  id: row.id,
  physical_vehicle_id: row.physical_vehicle_id,
  model_type: row.model_type,
  simulation_id: row.simulation_id,
  created_at: row.created_at,
});

/** Results of a fleet simulation in the seed's terms: verdict, criteria with values and limits, scores. */
function resultsView(simId: string, summary: RunSummary): TwinResults {
  const pack = (summary.pack_summary ?? {}) as JsonObject;
  const finished = summary.status === 'finished';
  // The fleet pack's summary has the contract's shape (its scenario library writes it): read as such.
  const results = pack as Partial<Pick<TwinResults, 'verdict' | 'criteria' | 'scores' | 'cases'>> & {
    type?: string;
    category?: string;
  };
  return {
    simulation_id: simId,
    status: summary.status,
    scenario_type: results.type ?? null,
    category: results.category ?? null,
    verdict: finished ? (results.verdict ?? null) : null,
    criteria: results.criteria ?? [],
    scores: results.scores ?? {},
    cases: results.cases ?? [],
    sim_time_s: summary.sim_time_s,
    ledger_sha256: summary.ledger_sha256,
    scenario_sha256: summary.scenario_sha256,
    seed: summary.seed,
  };
}

/**
 * Seed 001's Twin API on the fleet pack: a virtual vehicle is a model type registered under a physical vehicle's id;
 * a typed scenario is a fleet simulation of that vehicle; running it judges it; results carry the verdict.
 */
export const twinRoutes: RoutePlugin = async (app, ctx) => {
  const tags = ['twin'];

  app.post(
    '/api/v1/twin/vehicles',
    {
      schema: {
        tags,
        summary: 'Create a virtual vehicle twin of a physical vehicle',
        body: twinVehicleRequestSchema,
        response: { 201: twinVehicleSchema, 422: problemSchema },
      },
      config: { auth: 'write' },
    },
    async (request, reply) => {
      const account = principalOf(request).account;
      const row: VehicleRow = {
        id: await ctx.catalog.nextVehicleId(),
        account_id: account.id,
        physical_vehicle_id: request.body.physical_vehicle_id,
        model_type: request.body.model_type,
        simulation_id: null,
        asset_id: null,
        created_at: new Date().toISOString(),
      };
      await ctx.catalog.insertVehicle(row);
      return reply.code(201).send(vehicleView(row));
    },
  );

  app.get(
    '/api/v1/twin/vehicles/:id/state',
    {
      schema: {
        tags,
        summary:
          'State of a virtual vehicle: position, heading, speed, acceleration, actuator commands, current detections (in its latest scenario)',
        params: z.strictObject({ id: idString() }),
        response: { 200: twinVehicleStateSchema, 404: problemSchema },
      },
    },
    async (request) => {
      const account = principalOf(request).account;
      const row = await ctx.catalog.ownedVehicle(account.id, request.params.id);
      if (row === null) throw notFound(`Vehicle ${request.params.id}`);
      let state: VehicleState | null = null;
      let simTime: number | null = null;
      if (
        row.simulation_id !== null &&
        row.asset_id !== null &&
        (await ctx.catalog.ownedSimulation(account.id, row.simulation_id)) !== null
      ) {
        const simulation = ctx.manager.simulation(row.simulation_id);
        const asset = await simulation.asset(row.asset_id);
        state = asset.state as unknown as VehicleState;
        simTime = (await simulation.info()).now;
      }
      return {
        vehicle: vehicleView(row),
        simulation_id: row.simulation_id,
        sim_time_s: simTime,
        ...twinVehicleStateView(state),
      };
    },
  );

  app.put(
    '/api/v1/twin/vehicles/:id/telemetry',
    {
      schema: {
        tags,
        summary:
          "Telemetry of the physical vehicle behind a twin (every 100 ms): mirrored with origin live, answered with the twin's view and prediction; a sample not newer than the last one is refused (409)",
        params: z.strictObject({ id: idString() }),
        body: twinTelemetrySchema,
        response: { 200: twinLiveVehicleSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema },
      },
      config: { auth: 'write' },
      // Ownership before the body is validated: a body error never reveals that another account's vehicle exists.
      preValidation: async (request: { params: unknown; principal: { account: { id: string } } | null }) => {
        const { id } = request.params as { id?: string };
        if (id === undefined || request.principal === null) return;
        if ((await ctx.catalog.ownedVehicle(request.principal.account.id, id)) === null)
          throw notFound(`Vehicle ${id}`);
      },
    },
    async (request) => {
      const account = principalOf(request).account;
      const row = await ctx.catalog.ownedVehicle(account.id, request.params.id);
      if (row === null) throw notFound(`Vehicle ${request.params.id}`);
      const outcome = ctx.mirror.accept(row.id, request.body);
      if (!outcome.ok) {
        ctx.metrics.fleetTelemetry.inc({ transport: 'http', result: outcome.reason });
        throw new ServerError(
          ServerErrorCode.OutOfOrder,
          `Telemetry of ${row.id} at ts ${request.body.ts} is not newer than the last mirrored (${outcome.lastTs})`,
          {
            issues: [
              {
                path: 'body.ts',
                message: 'not newer than the last sample',
                expected: `> ${outcome.lastTs}`,
                found: String(request.body.ts),
              },
            ],
          },
        );
      }
      ctx.metrics.fleetTelemetry.inc({ transport: 'http', result: 'accepted' });
      ctx.metrics.fleetSyncLatency.observe({ transport: 'http' }, outcome.latencyMs / 1000);
      return outcome.view;
    },
  );

  app.get(
    '/api/v1/twin/live',
    {
      schema: {
        tags,
        summary:
          'The physical vehicles the twin mirrors: last telemetry and its age, sync latency, prediction and drift, live or stale; and the state of its MQTT link',
        response: { 200: twinLiveFleetSchema },
      },
    },
    async (request) => {
      const account = principalOf(request).account;
      return { vehicles: ctx.mirror.views(await ctx.catalog.vehicleIds(account.id)), link: ctx.mirror.link };
    },
  );

  app.post(
    '/api/v1/twin/live/fork',
    {
      schema: {
        tags,
        summary:
          'Fork the live mirror into a what-if simulation: the mirrored vehicles (all, or those named) start from their last measurement (position, heading, speed); the copy is created paused so a change (an intervention) can be tried on it',
        body: twinLiveForkRequestSchema.nullish(),
        response: { 201: twinLiveForkSchema, 422: problemSchema },
      },
      config: { auth: 'write' },
    },
    async (request, reply) =>
      reply.code(201).send(await forkLiveFleet(ctx, principalOf(request).account, request.body ?? {})),
  );

  app.post(
    '/api/v1/twin/scenarios',
    {
      schema: {
        tags,
        summary:
          'Create a simulation scenario of the library for a vehicle, e.g. {"type":"emergency_braking","initial_speed":60}',
        body: twinScenarioRequestSchema,
        response: { 201: twinScenarioCreatedSchema, 422: problemSchema },
      },
      config: { auth: 'write' },
    },
    async (request, reply) => {
      const account = principalOf(request).account;
      const body = request.body;
      const { row, vehicle, params, modelType } = await createTwinScenario(ctx, account, body);
      const sweep = body.sweep !== undefined;
      return reply.code(201).send({
        simulation_id: row.id,
        scenario: {
          type: body.type,
          vehicle_id: vehicle?.id ?? null,
          model_type: modelType,
          weather: body.weather ?? 'dry',
          params,
          ...(sweep ? { sweep: body.sweep } : {}),
          duration_s: row.duration_s,
          seed: row.seed,
        },
        status: row.status,
      });
    },
  );

  app.post(
    '/api/v1/twin/simulations/:simId/run',
    {
      schema: {
        tags,
        summary: 'Execute a simulation as fast as possible to its end; returns the results with the verdict',
        params: simParams,
        body: z.strictObject({}).nullish(),
        response: { 200: twinResultsSchema, 404: problemSchema },
      },
      config: { auth: 'write' },
    },
    async (request) => {
      const { simId } = request.params;
      const row = await ctx.catalog.simulation(simId);
      if (row === null) throw notFound(`Simulation ${simId}`);
      const simulation = ctx.manager.simulation(simId);
      const info = await simulation.info();
      if (info.status === 'finished') return resultsView(simId, await simulation.summary());
      const started = performance.now();
      const after = await simulation.runUntil(row.duration_s);
      const wallSeconds = (performance.now() - started) / 1000;
      await ctx.manager.persist(simId);
      const results = resultsView(simId, await simulation.summary());
      // The SLIs: how much faster than real time this run went, and how close its cases came to the analytic
      // references (a stop against µ·g, drag and rolling resistance).
      if (results.scenario_type !== null) {
        ctx.metrics.observeFleetRun({
          scenarioType: results.scenario_type,
          verdict: results.verdict,
          simSeconds: after.now - info.now,
          wallSeconds,
          accuracies: scenarioAccuracies(results.cases),
        });
      }
      return results;
    },
  );

  app.get(
    '/api/v1/twin/results/:simId',
    {
      schema: {
        tags,
        summary: 'Results of a simulation: verdict (pass or fail), criteria with values and limits, scores',
        params: simParams,
        response: { 200: twinResultsSchema, 404: problemSchema },
      },
    },
    async (request) => resultsView(request.params.simId, await ctx.manager.simulation(request.params.simId).summary()),
  );
};
