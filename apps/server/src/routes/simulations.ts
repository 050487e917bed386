import { DEBUG_CHUNK_DEFAULT, debugModeChunkS, nameString } from '@doppel/twin';
import { z } from 'zod';
import { principalOf } from '../http/auth.js';
import type { RoutePlugin } from '../http/types.js';
import {
  createSimulationInputSchema,
  debugModeInputSchema,
  interventionInputSchema,
  problemSchema,
  simulationSchema,
} from '@doppel/twin/contracts';
import { simParams } from './schemas.js';
import { currentSimulationView, simulationView } from './views.js';

const tags = ['simulations'];
const errors = { 404: problemSchema, 409: problemSchema, 422: problemSchema };

/** Simulation lifecycle: create (example or posted scenario), list, get, delete, run control, rewind, branch. */
export const simulationRoutes: RoutePlugin = async (app, ctx) => {
  const view = (simId: string) => currentSimulationView(ctx, simId);

  app.get(
    '/api/v1/simulations',
    { schema: { tags, summary: "The account's simulations", response: { 200: z.array(simulationSchema) } } },
    async (request) => {
      const account = principalOf(request).account;
      return (await ctx.catalog.listSimulations(account.id)).map((row) =>
        simulationView(row, ctx.manager.liveInfo(row.id)),
      );
    },
  );

  app.post(
    '/api/v1/simulations',
    {
      schema: {
        tags,
        summary: 'Create a simulation from a stored example or a posted scenario (YAML or JSON text)',
        description:
          'Body: {"example": "city-100"} or {"scenario": "<YAML text>"}; or post the YAML itself with Content-Type application/yaml.',
        body: createSimulationInputSchema,
        response: { 201: simulationSchema, ...errors },
      },
      config: { auth: 'write' },
    },
    async (request, reply) => {
      const row = await ctx.manager.create(principalOf(request).account, request.body);
      return reply.code(201).send(await view(row.id));
    },
  );

  app.get(
    '/api/v1/simulations/:simId',
    {
      schema: {
        tags,
        summary: 'A simulation',
        params: simParams,
        response: { 200: simulationSchema, 404: problemSchema },
      },
    },
    async (request) => view(request.params.simId),
  );

  app.delete(
    '/api/v1/simulations/:simId',
    { schema: { tags, summary: 'Delete a simulation and its ledger', params: simParams }, config: { auth: 'write' } },
    async (request, reply) => {
      await ctx.manager.delete(request.params.simId);
      return reply.code(204).send();
    },
  );

  const control = <B extends z.ZodType>(
    path: string,
    summary: string,
    body: B,
    act: (simId: string, body: z.infer<B>) => Promise<unknown>,
  ) =>
    app.post(
      `/api/v1/simulations/:simId/${path}`,
      {
        schema: { tags, summary, params: simParams, body, response: { 200: simulationSchema, ...errors } },
        config: { auth: 'write' },
        // `curl -X POST …/ack` sends no body at all: that means "no options", as an empty object does.
        preValidation: async (request: { body: unknown }) => {
          request.body ??= {};
        },
      },
      async (request) => {
        await act(request.params.simId, request.body as z.infer<B>);
        return view(request.params.simId);
      },
    );

  const speed = z
    .number()
    .positive()
    .nullable()
    .optional()
    .describe('Sim seconds per wall second (1 = real time, 60 = a minute per second); null = as fast as possible');

  const debugMode = debugModeInputSchema
    .optional()
    .describe(
      `Debug mode for this and later runs: true = pause after every ${DEBUG_CHUNK_DEFAULT} of sim time until POST …/ack; { chunk: "5m" } = another chunk; false = off; absent = as before (the scenario's debug_mode)`,
    );
  control(
    'run',
    'Start (or continue) a paced run; returns at once',
    z.strictObject({ speed, until: z.number().min(0).optional(), debug_mode: debugMode }).default({}),
    async (simId, body) => {
      const debug = body.debug_mode === undefined ? undefined : debugModeChunkS(body.debug_mode);
      await ctx.manager.simulation(simId).play({ factor: body.speed ?? null, until: body.until, debug });
    },
  );
  control(
    'ack',
    'Acknowledge a debug mode pause: the ledger records it (DEBUG_ACKNOWLEDGED) and the paused run continues',
    z.strictObject({}).default({}),
    async (simId) => {
      await ctx.manager.simulation(simId).ack();
    },
  );
  control('pause', 'Pause a running simulation', z.strictObject({}).default({}), async (simId) => {
    await ctx.manager.simulation(simId).pause();
    await ctx.manager.persist(simId);
  });
  control('resume', 'Resume at the last speed', z.strictObject({}).default({}), async (simId) => {
    const simulation = ctx.manager.simulation(simId);
    await simulation.play({ factor: (await simulation.info()).speed });
  });
  control(
    'speed',
    'Change the pacing factor',
    z.strictObject({ speed: z.number().positive().nullable() }),
    async (simId, body) => {
      await ctx.manager.simulation(simId).setSpeed(body.speed);
    },
  );
  control(
    'step',
    'Process N engine events, or advance Δt sim seconds',
    z.union([z.strictObject({ events: z.number().int().min(1) }), z.strictObject({ seconds: z.number().positive() })]),
    async (simId, body) => {
      await ctx.manager.simulation(simId).step('events' in body ? { events: body.events } : { dt: body.seconds });
    },
  );
  control(
    'run-until',
    'Run as fast as possible until sim time t (inclusive), then pause',
    z.strictObject({ t: z.number().min(0) }),
    async (simId, body) => {
      await ctx.manager.simulation(simId).runUntil(body.t);
    },
  );
  control(
    'rewind',
    'Continue from the exact state at sim time t (the ledger and the interventions after t are dropped)',
    z.strictObject({ t: z.number().min(0) }),
    async (simId, body) => {
      await ctx.manager.simulation(simId).rewind(body.t);
      await ctx.manager.persist(simId);
    },
  );

  app.post(
    '/api/v1/simulations/:simId/branch',
    {
      schema: {
        tags,
        summary: 'A new simulation sharing this one up to t, with interventions applied from t',
        params: simParams,
        body: z.strictObject({
          t: z.number().min(0),
          name: nameString().optional(),
          interventions: z.array(interventionInputSchema).max(1000).default([]),
        }),
        response: { 201: simulationSchema, ...errors },
      },
      config: { auth: 'write' },
    },
    async (request, reply) => {
      const { t, name, interventions } = request.body;
      const row = await ctx.manager.branch(
        principalOf(request).account,
        request.params.simId,
        t,
        interventions.map((item) => ({
          assetId: item.assetId,
          action: item.action,
          args: (item.args ?? {}) as never,
          at: item.at,
          origin: 'api' as const,
        })),
        name,
      );
      return reply.code(201).send(await view(row.id));
    },
  );
};
