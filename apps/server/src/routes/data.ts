import { decodeLedgerEvent, idString, type JsonObject, simulationEvent, type SimulationEvent } from '@doppel/twin';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { RoutePlugin } from '../http/types.js';
import { notFound } from '../errors.js';
import type { AssetView } from '../sim/protocol.js';
import {
  assetViewSchema,
  breakpointSchema,
  interventionInputSchema,
  interventionRecordSchema,
  jsonValueSchema,
  kpiSnapshotSchema,
  problemSchema,
  simulationEventSchema,
  stateSnapshotSchema,
} from '@doppel/twin/contracts';
import { assetParams, queryNumber, simParams } from './schemas.js';

const MAX_LEDGER_PAGE = 10_000;

/** Sends JSON text or bytes as they are (the route's schema describes them; serializing again would quote them). */
function sendJson(reply: FastifyReply, json: string | Buffer): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(json);
}

/** Live state bodies kept per simulation and kind (the UI polls the live head): the last version of each. */
const LIVE_BODIES = 256;

const ledgerQuery = z.strictObject({
  assetId: idString().optional(),
  eventType: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .describe('One or more event types (repeat the parameter or separate with commas)'),
  fromTime: queryNumber.optional(),
  toTime: queryNumber.optional(),
  afterSeq: z.coerce.number().int().min(0).optional().describe('Paging: records with seq > afterSeq'),
  limit: z.coerce.number().int().min(1).max(MAX_LEDGER_PAGE).default(1000),
  order: z.enum(['asc', 'desc']).default('asc'),
});

/** Ledger records as the API gives them: each names its simulation. */
/** Records as the API exports them, from the canonical texts the store keeps. */
function exported(simId: string, texts: readonly string[]): SimulationEvent[] {
  return texts.map((text) => simulationEvent(simId, decodeLedgerEvent(text)));
}

function eventTypes(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value : [value]).flatMap((item) => item.split(',')).filter(Boolean);
}

/**
 * God Mode body (seed 000 §2.2): `action`, optional `at`, and the action's arguments as the remaining fields, e.g.
 * {"action":"inject_fault","target":"charger_03","fault_type":"connector_lock_failure","duration_seconds":1200}.
 */
const godModeBody = z
  .object({
    action: idString().describe('Intervention name, e.g. inject_fault'),
    at: z.number().min(0).optional().describe('Sim seconds; default now'),
  })
  .catchall(jsonValueSchema)
  .meta({ id: 'GodModeRequest' });

/** Asset state, God Mode, history, interventions, breakpoints, ledger, KPIs, telemetry and results. */
export const dataRoutes: RoutePlugin = async (app, ctx) => {
  const sim = (simId: string) => ctx.manager.simulation(simId);
  const liveBodies = new Map<string, { version: string; body: Buffer }>();

  const assetOf = async (simId: string, kind: string, assetId: string): Promise<AssetView> => {
    const asset = await sim(simId)
      .asset(assetId)
      .catch((error: { code?: string }) => {
        if (error.code === 'DOPPEL_ERR_UNKNOWN_ASSET') throw notFound(`Asset ${kind}/${assetId}`);
        throw error;
      });
    if (asset.kind !== kind) throw notFound(`Asset ${kind}/${assetId}`);
    return asset;
  };

  app.get(
    '/api/v1/simulations/:simId/state',
    {
      schema: {
        tags: ['state'],
        summary: 'Every asset at the live head (with status colour and KPIs), or as of sim time t (time slider)',
        params: simParams,
        querystring: z.strictObject({ t: queryNumber.optional(), kind: idString().optional() }),
        response: { 200: stateSnapshotSchema, 404: problemSchema },
      },
    },
    async (request, reply) => {
      const { t, kind } = request.query;
      const { simId } = request.params;
      // The worker answers with the response text, which it keeps for repeated reads (the UI polls the live
      // head while playing; the time slider comes back to the same instants).
      if (t !== undefined) {
        const bytes = await sim(simId).stateAt(t, kind);
        return sendJson(reply, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      }
      const cacheKey = `${simId}|${kind ?? ''}`;
      const held = liveBodies.get(cacheKey);
      const live = await sim(simId).liveState(kind, held?.version);
      let body = held?.body;
      if (live.json !== null || body === undefined) {
        body = Buffer.from(live.json ?? '', 'utf8');
        liveBodies.delete(cacheKey);
        liveBodies.set(cacheKey, { version: live.version, body });
        if (liveBodies.size > LIVE_BODIES) liveBodies.delete(liveBodies.keys().next().value as string);
      }
      return sendJson(reply, body);
    },
  );

  app.get(
    '/api/v1/simulations/:simId/assets',
    {
      schema: {
        tags: ['state'],
        summary: 'Assets at the live head',
        params: simParams,
        querystring: z.strictObject({ kind: idString().optional() }),
        response: { 200: z.array(assetViewSchema) },
      },
    },
    async (request) => sim(request.params.simId).assets(request.query.kind, true),
  );

  const getAsset = {
    schema: {
      tags: ['state'],
      summary: 'One asset: state, status colour, KPIs',
      params: assetParams,
      response: { 200: assetViewSchema, 404: problemSchema },
    },
  };
  const getAssetHandler = async (request: { params: z.infer<typeof assetParams> }) =>
    assetOf(request.params.simId, request.params.kind, request.params.assetId);
  app.get('/api/v1/simulations/:simId/assets/:kind/:assetId', getAsset, getAssetHandler);
  app.get('/simulation/:simId/assets/:kind/:assetId', getAsset, getAssetHandler);

  const patchAsset = {
    schema: {
      tags: ['interventions'],
      summary: 'God Mode: apply an intervention to an asset now (or at `at`); returns the intervention record',
      params: assetParams,
      body: godModeBody,
      response: { 200: interventionRecordSchema, 404: problemSchema, 422: problemSchema },
    },
    config: { auth: 'write' as const },
  };
  const patchAssetHandler = async (request: {
    params: z.infer<typeof assetParams>;
    body: z.infer<typeof godModeBody>;
  }) => {
    const { simId, kind, assetId } = request.params;
    const { action, at, ...args } = request.body;
    return sim(simId).intervene({ assetId, action, args: args as JsonObject, at, origin: 'api' }, kind);
  };
  app.patch('/api/v1/simulations/:simId/assets/:kind/:assetId', patchAsset, patchAssetHandler);
  app.patch('/simulation/:simId/assets/:kind/:assetId', patchAsset, patchAssetHandler);

  const history = {
    schema: {
      tags: ['ledger'],
      summary: "An asset's history: its ledger events",
      params: assetParams,
      querystring: ledgerQuery.omit({ assetId: true }),
      response: { 200: z.array(simulationEventSchema), 404: problemSchema },
    },
  };
  const historyHandler = async (request: {
    params: z.infer<typeof assetParams>;
    query: Omit<z.infer<typeof ledgerQuery>, 'assetId'>;
  }) => {
    const { simId, kind, assetId } = request.params;
    await assetOf(simId, kind, assetId);
    const { eventType, ...rest } = request.query;
    return exported(simId, await sim(simId).ledger({ ...rest, assetId, eventTypes: eventTypes(eventType) }));
  };
  app.get('/api/v1/simulations/:simId/assets/:kind/:assetId/history', history, historyHandler);
  app.get('/simulation/:simId/assets/:kind/:assetId/history', history, historyHandler);

  app.get(
    '/api/v1/simulations/:simId/ledger',
    {
      schema: {
        tags: ['ledger'],
        summary: 'Ledger events by asset, type, time range; page with afterSeq',
        params: simParams,
        querystring: ledgerQuery,
        response: { 200: z.array(simulationEventSchema) },
      },
    },
    async (request) => {
      const { simId } = request.params;
      const { eventType, ...rest } = request.query;
      return exported(simId, await sim(simId).ledger({ ...rest, eventTypes: eventTypes(eventType) }));
    },
  );

  app.get(
    '/api/v1/simulations/:simId/interventions',
    {
      schema: {
        tags: ['interventions'],
        summary: 'Intervention log with lifecycle states',
        params: simParams,
        response: { 200: z.array(interventionRecordSchema) },
      },
    },
    async (request) => sim(request.params.simId).interventions(),
  );

  app.post(
    '/api/v1/simulations/:simId/interventions',
    {
      schema: {
        tags: ['interventions'],
        summary: 'Apply an intervention (now or at a future sim time)',
        params: simParams,
        body: interventionInputSchema,
        response: { 201: interventionRecordSchema, 422: problemSchema },
      },
      config: { auth: 'write' },
    },
    async (request, reply) => {
      const { assetId, action, args, at } = request.body;
      const record = await sim(request.params.simId).intervene({
        assetId,
        action,
        args: (args ?? {}) as JsonObject,
        at,
        origin: 'api',
      });
      return reply.code(201).send(record);
    },
  );

  const interventionParams = z.strictObject({ simId: idString(), interventionId: idString() });
  app.get(
    '/api/v1/simulations/:simId/interventions/:interventionId',
    {
      schema: {
        tags: ['interventions'],
        summary: 'One intervention',
        params: interventionParams,
        response: { 200: interventionRecordSchema },
      },
    },
    async (request) => sim(request.params.simId).intervention(request.params.interventionId),
  );
  app.delete(
    '/api/v1/simulations/:simId/interventions/:interventionId',
    {
      schema: {
        tags: ['interventions'],
        summary: 'Cancel a pending intervention',
        params: interventionParams,
        response: { 200: interventionRecordSchema },
      },
      config: { auth: 'write' },
    },
    async (request) => sim(request.params.simId).cancelIntervention(request.params.interventionId),
  );

  app.get(
    '/api/v1/simulations/:simId/breakpoints',
    {
      schema: {
        tags: ['breakpoints'],
        summary: 'Breakpoints',
        params: simParams,
        response: { 200: z.array(breakpointSchema) },
      },
    },
    async (request) => sim(request.params.simId).breakpoints(),
  );
  app.post(
    '/api/v1/simulations/:simId/breakpoints',
    {
      schema: {
        tags: ['breakpoints'],
        summary: 'Add a breakpoint: a CEL condition over asset state; a run pauses when it becomes true',
        params: simParams,
        body: z.strictObject({ expression: z.string().min(1).max(2000) }),
        response: { 201: breakpointSchema, 422: problemSchema },
      },
      config: { auth: 'write' },
    },
    async (request, reply) =>
      reply.code(201).send(await sim(request.params.simId).addBreakpoint(request.body.expression)),
  );
  app.delete(
    '/api/v1/simulations/:simId/breakpoints/:breakpointId',
    {
      schema: {
        tags: ['breakpoints'],
        summary: 'Remove a breakpoint',
        params: z.strictObject({ simId: idString(), breakpointId: idString() }),
      },
      config: { auth: 'write' },
    },
    async (request, reply) => {
      await sim(request.params.simId).removeBreakpoint(request.params.breakpointId);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/simulations/:simId/kpis',
    {
      schema: {
        tags: ['results'],
        summary: 'Network KPIs now',
        params: simParams,
        response: { 200: kpiSnapshotSchema },
      },
    },
    async (request) => sim(request.params.simId).kpis(),
  );

  app.get(
    '/api/v1/simulations/:simId/telemetry',
    {
      schema: {
        tags: ['results'],
        summary: 'Telemetry rows (KPI snapshots per interval; counters as increments)',
        params: simParams,
        querystring: z.strictObject({ fromTime: queryNumber.optional() }),
      },
    },
    async (request) => sim(request.params.simId).telemetry(request.query.fromTime),
  );

  app.get(
    '/api/v1/simulations/:simId/results',
    { schema: { tags: ['results'], summary: 'Run summary: KPIs, ledger hash, counts', params: simParams } },
    async (request) => sim(request.params.simId).summary(),
  );
};
