import { modelToScenario, processCatalogue } from '@doppel/pack-process/catalogue';
import { idString, type ResolvedScenario } from '@doppel/twin';
import {
  modelRunInputSchema,
  modelStepInputSchema,
  problemSchema,
  processCatalogueSchema,
  simulationSchema,
} from '@doppel/twin/contracts';
import { z } from 'zod';
import { notFound, ServerError, ServerErrorCode } from '../errors.js';
import { principalOf } from '../http/auth.js';
import type { RoutePlugin } from '../http/types.js';
import { documentOf } from './model-layout.js';
import { simParams } from './schemas.js';
import { currentSimulationView } from './views.js';

const tags = ['models'];
const modelParams = z.strictObject({ model_id: idString() });
const errors = { 404: problemSchema, 409: problemSchema, 422: problemSchema };
// `curl -X POST …/pause/sim_1` sends no body at all: that means "no options", as an empty object does.
const emptyBodyIsNoOptions = async (request: { body: unknown }) => {
  request.body ??= {};
};

/** One integration step of a process simulation (its `step_s`), else one engine event. */
function oneStepOf(scenarioJson: string | undefined): { dt: number } | { events: number } {
  const scenario = scenarioJson === undefined ? null : (JSON.parse(scenarioJson) as ResolvedScenario);
  const config = scenario?.pack === 'process' ? (scenario.config as { step_s?: unknown }) : null;
  return typeof config?.step_s === 'number' ? { dt: config.step_s } : { events: 1 };
}

/**
 * The seed's simulation service over machine models: a stored model starts as a simulation (its components and
 * connections become a process scenario, resolved, frozen and hashed like any other, with ledger and telemetry),
 * then stops, pauses and steps through the same machinery as every simulation. Also the component catalogue the
 * modelling canvas draws its palette, ports and property editors from.
 */
export const modelRunRoutes: RoutePlugin = async (app, ctx) => {
  const ownedModel = async (accountId: string, id: string) => {
    const row = await ctx.catalog.models.ownedModel(accountId, id);
    if (row === null) throw notFound(`Model ${id}`);
    return row;
  };

  app.addHook('preValidation', async (request) => {
    const id = (request.params as { model_id?: string }).model_id;
    if (id !== undefined && request.principal !== null) await ownedModel(request.principal.account.id, id);
  });

  app.get(
    '/api/v1/process/catalogue',
    {
      schema: {
        tags,
        summary: 'The component catalogue: each type with its ports (units), property schema and defaults',
        response: { 200: processCatalogueSchema },
      },
    },
    async () => processCatalogue(),
  );

  app.post(
    '/api/v1/simulation/start/:model_id',
    {
      schema: {
        tags,
        summary: 'Create a simulation from a machine model and start it',
        description:
          'The model becomes a process scenario (frozen, hashed); the simulation runs at `speed` (real time by default) unless `paused`.',
        params: modelParams,
        body: modelRunInputSchema,
        response: { 201: simulationSchema, ...errors },
      },
      config: { auth: 'write' },
      preValidation: emptyBodyIsNoOptions,
    },
    async (request, reply) => {
      const account = principalOf(request).account;
      const row = await ownedModel(account.id, request.params.model_id);
      const model = documentOf(row);
      if (model.components.length === 0) {
        throw new ServerError(ServerErrorCode.ModelInvalid, `Model ${row.id} has no components to simulate`, {
          issues: [{ path: 'model.components', message: 'add at least one component', found: '[]' }],
        });
      }
      const body = request.body;
      const scenario = modelToScenario(model, {
        name: body.name ?? row.name,
        description: `Machine model ${row.id}`,
        duration: body.duration,
        seed: body.seed,
        ...(body.step_s !== undefined ? { step_s: body.step_s } : {}),
        ...(body.method !== undefined ? { method: body.method } : {}),
      });
      const created = await ctx.manager.create(account, {
        name: body.name ?? row.name,
        scenario: JSON.stringify(scenario),
        seed: body.seed,
      });
      if (!body.paused) await ctx.manager.simulation(created.id).play({ factor: body.speed });
      return reply.code(201).send(await currentSimulationView(ctx, created.id));
    },
  );

  app.post(
    '/api/v1/simulation/start_hil/:model_id',
    {
      schema: {
        tags,
        summary: 'Start a model in the loop with a PLC through its communication bindings',
        params: modelParams,
        response: { ...errors },
      },
      config: { auth: 'write' },
    },
    async (request) => {
      throw new ServerError(
        ServerErrorCode.NoBindings,
        `Model ${request.params.model_id} has no communication bindings: bind its ports to PLC tags first`,
        { issues: [{ path: 'model.bindings', message: 'no bindings', found: '[]' }] },
      );
    },
  );

  app.post(
    '/api/v1/simulation/stop/:simId',
    {
      schema: {
        tags,
        summary: 'Stop a simulation: it pauses at its head, is written to the catalog and its worker ends',
        params: simParams,
        response: { 200: simulationSchema, ...errors },
      },
      config: { auth: 'write' },
    },
    async (request) => {
      const simId = request.params.simId;
      if (ctx.manager.isLoaded(simId)) await ctx.manager.simulation(simId).pause();
      await ctx.manager.release(simId);
      return currentSimulationView(ctx, simId);
    },
  );

  app.post(
    '/api/v1/simulation/pause/:simId',
    {
      schema: {
        tags,
        summary: 'Pause a running simulation',
        params: simParams,
        response: { 200: simulationSchema, ...errors },
      },
      config: { auth: 'write' },
    },
    async (request) => {
      await ctx.manager.simulation(request.params.simId).pause();
      await ctx.manager.persist(request.params.simId);
      return currentSimulationView(ctx, request.params.simId);
    },
  );

  app.post(
    '/api/v1/simulation/step/:simId',
    {
      schema: {
        tags,
        summary:
          "Advance a paused simulation by N engine events or Δt sim seconds (default: one integration step of a model's simulation, else one event)",
        params: simParams,
        body: modelStepInputSchema,
        response: { 200: simulationSchema, ...errors },
      },
      config: { auth: 'write' },
      preValidation: emptyBodyIsNoOptions,
    },
    async (request) => {
      const simId = request.params.simId;
      const by = request.body;
      const step =
        'seconds' in by
          ? { dt: by.seconds }
          : 'events' in by
            ? { events: by.events }
            : await ctx.catalog.simulation(simId).then((row) => oneStepOf(row?.scenario_json));
      await ctx.manager.simulation(simId).step(step);
      return currentSimulationView(ctx, request.params.simId);
    },
  );
};
