import { modelToScenario, processCatalogue } from '@doppel/pack-process/catalogue';
import { idString, type ResolvedScenario } from '@doppel/twin';
import {
  hilStartInputSchema,
  hilStatusSchema,
  modelRunInputSchema,
  modelStepInputSchema,
  problemSchema,
  processCatalogueSchema,
  simulationSchema,
  type ModelBindingInput,
  type ModelRunInput,
} from '@doppel/twin/contracts';
import type { MachineModelRow } from '@doppel/catalog';
import { z } from 'zod';
import { notFound, ServerError, ServerErrorCode } from '../errors.js';
import { principalOf } from '../http/auth.js';
import type { RoutePlugin } from '../http/types.js';
import { accountFmus } from '../fmus/fmu-components.js';
import { assertModelCompiles } from './model-check.js';
import { documentOf } from './model-layout.js';
import { connectDevices } from '../hil/devices.js';
import { HilRun } from '../hil/hil-run.js';
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

  /** The model as a process scenario (frozen, hashed), created as a paused simulation of the account. */
  const createSimulation = async (
    account: Parameters<typeof ctx.manager.create>[0],
    row: MachineModelRow,
    options: Pick<ModelRunInput, 'name' | 'duration' | 'seed' | 'step_s' | 'method'>,
  ) => {
    const stored = documentOf(row);
    const model = await assertModelCompiles(
      stored,
      { components: null, connections: null },
      accountFmus(ctx.catalog, account.id),
    );
    if (model.components.length === 0) {
      throw new ServerError(ServerErrorCode.ModelInvalid, `Model ${row.id} has no components to simulate`, {
        issues: [{ path: 'model.components', message: 'add at least one component', found: '[]' }],
      });
    }
    const scenario = modelToScenario(model, {
      name: options.name ?? row.name,
      description: `Machine model ${row.id}`,
      duration: options.duration ?? '1h',
      seed: options.seed ?? 1,
      ...(options.step_s !== undefined ? { step_s: options.step_s } : {}),
      ...(options.method !== undefined ? { method: options.method } : {}),
    });
    return ctx.manager.create(account, {
      name: options.name ?? row.name,
      scenario: JSON.stringify(scenario),
      seed: options.seed ?? 1,
    });
  };

  // Hardware-in-the-loop runs by simulation id: their loop holds the simulation's clock (no other call moves it).
  const hilRuns = new Map<string, { readonly run: HilRun; readonly releaseClock: () => void }>();
  const endHil = async (simId: string) => {
    const held = hilRuns.get(simId);
    if (held === undefined) return;
    hilRuns.delete(simId);
    try {
      await held.run.stop();
    } finally {
      held.releaseClock();
    }
  };
  ctx.manager.onDelete((simId) => void endHil(simId).catch(() => undefined));
  app.addHook('onClose', async () => {
    await Promise.all([...hilRuns.keys()].map((simId) => endHil(simId).catch(() => undefined)));
  });
  const hilRunOf = (simId: string): HilRun => {
    const run = hilRuns.get(simId)?.run;
    if (run === undefined) {
      throw new ServerError(ServerErrorCode.HilState, `Simulation ${simId} is not in the loop with devices`, {
        issues: [{ path: 'simId', message: 'not a running hardware-in-the-loop simulation', found: simId }],
      });
    }
    return run;
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
      const body = request.body;
      const created = await createSimulation(account, row, body);
      if (!body.paused) await ctx.manager.simulation(created.id).play({ factor: body.speed });
      return reply.code(201).send(await currentSimulationView(ctx, created.id));
    },
  );

  app.post(
    '/api/v1/simulation/start_hil/:model_id',
    {
      schema: {
        tags,
        summary: 'Start a model in the loop with its devices through its communication bindings',
        description:
          'Connects every binding (a device that cannot be reached refuses the start, 409, naming it), creates the simulation and runs it in real time: each cycle reads the inputs, holds each source at its input, steps the model by the period and writes the outputs. Connection state per binding, cycle statistics and last values: `GET /api/v1/simulation/hil/{simId}`. Pause holds the outputs; stop writes every safe value.',
        params: modelParams,
        body: hilStartInputSchema,
        response: { 201: simulationSchema, ...errors },
      },
      config: { auth: 'write' },
      preValidation: emptyBodyIsNoOptions,
    },
    async (request, reply) => {
      const account = principalOf(request).account;
      const row = await ownedModel(account.id, request.params.model_id);
      const bindings = (await ctx.catalog.models.bindingsOf(account.id, row.id)).map((b) => ({
        id: b.id,
        binding: JSON.parse(b.binding_json) as ModelBindingInput,
      }));
      if (bindings.length === 0) {
        throw new ServerError(
          ServerErrorCode.NoBindings,
          `Model ${row.id} has no communication bindings: bind its ports to device points first`,
          { issues: [{ path: 'model.bindings', message: 'no bindings', found: '[]' }] },
        );
      }
      const body = request.body;
      const devices = await connectDevices(bindings, ctx.config.dataDir);
      try {
        const created = await createSimulation(account, row, {
          name: body.name,
          duration: body.duration,
          seed: body.seed,
          step_s: Math.min(body.periodMs / 1000, 0.1),
        });
        const { HilLoop } = await import('@doppel/bridge-hil');
        const clock = ctx.manager.holdClock(created.id, {
          name: `the hardware-in-the-loop cycle of model ${row.id}`,
          release: `pause it with POST /api/v1/simulation/pause/${created.id} or stop it with POST /api/v1/simulation/stop/${created.id}`,
          pause: () => hilRuns.get(created.id)?.run.loop.pause(),
        });
        const run = new HilRun(
          created.id,
          row.id,
          bindings,
          devices,
          clock.simulation,
          body.periodMs,
          (line) => app.log.warn({ hil: created.id }, line),
          (loopBindings, step) => new HilLoop({ periodMs: body.periodMs, bindings: loopBindings, model: { step } }),
        );
        hilRuns.set(created.id, { run, releaseClock: clock.release });
        run.loop.start();
        return reply.code(201).send(await currentSimulationView(ctx, created.id));
      } catch (error) {
        await devices.close();
        throw error;
      }
    },
  );

  app.get(
    '/api/v1/simulation/hil/:simId',
    {
      schema: {
        tags,
        summary:
          'A hardware-in-the-loop run: loop state, cycle statistics, and per binding its connection, last value and age',
        params: simParams,
        response: { 200: hilStatusSchema, ...errors },
      },
    },
    async (request) => hilRunOf(request.params.simId).status(),
  );

  app.post(
    '/api/v1/simulation/resume_hil/:simId',
    {
      schema: {
        tags,
        summary: 'Resume a paused hardware-in-the-loop run',
        params: simParams,
        response: { 200: hilStatusSchema, ...errors },
      },
      config: { auth: 'write' },
    },
    async (request) => {
      const run = hilRunOf(request.params.simId);
      run.loop.resume();
      return run.status();
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
      await endHil(simId);
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
