import { idString } from '@doppel/twin';
import { z } from 'zod';
import { principalOf } from '../http/auth.js';
import type { RoutePlugin } from '../http/types.js';
import { type DeliveryRow, newId, newWebhookSecret, type WebhookRow } from '@doppel/catalog';
import { notFound, ServerError, ServerErrorCode } from '../errors.js';
import { checkWebhookUrl } from '../webhooks/ssrf.js';

const webhookParams = z.strictObject({ webhookId: idString() });
const deliveryView = (row: DeliveryRow) => ({
  id: row.id,
  simulationId: row.simulation_id,
  status: row.status,
  attempts: row.attempts,
  eventCount: row.event_count,
  lastStatusCode: row.last_status_code,
  lastError: row.last_error,
  nextAttemptAt: row.next_attempt_at,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** Webhook subscriptions per account (Enode style): event types, signed batched deliveries, log and test. */
export const webhookRoutes: RoutePlugin = async (app, ctx) => {
  const tags = ['webhooks'];
  // Counts of deliveries per state: a webhook whose receiver is down shows its failed deliveries here.
  const webhookView = async (row: WebhookRow) => ({
    id: row.id,
    url: row.url,
    eventTypes: row.event_types.split(','),
    simulationId: row.simulation_id,
    createdAt: row.created_at,
    deliveries: await ctx.catalog.deliveryCounts(row.id),
  });
  app.get('/api/v1/webhooks', { schema: { tags, summary: "The account's webhooks" } }, async (request) =>
    Promise.all((await ctx.catalog.listWebhooks(principalOf(request).account.id)).map(webhookView)),
  );

  app.post(
    '/api/v1/webhooks',
    {
      schema: {
        tags,
        summary: 'Subscribe a URL to event types; the signing secret is shown once',
        description:
          'Event types: ledger event types (FAULT_INJECTED, SWAP_COMPLETED, ...), simulation.status, intervention.updated, or * for all. Deliveries carry Standard Webhooks headers (webhook-id, webhook-timestamp, webhook-signature).',
        body: z.strictObject({
          url: z.string().url().max(2000),
          eventTypes: z.array(z.string().min(1).max(100)).min(1).max(100),
          simulationId: idString().optional().describe('Only events of this simulation (default: all of the account)'),
        }),
      },
      config: { auth: 'write' },
    },
    async (request, reply) => {
      const account = principalOf(request).account;
      const { url, eventTypes, simulationId } = request.body;
      if (simulationId !== undefined && (await ctx.catalog.ownedSimulation(account.id, simulationId)) === null) {
        throw new ServerError(ServerErrorCode.Validation, `Unknown simulation ${simulationId}`, {
          issues: [{ path: 'body.simulationId', message: 'no such simulation', found: simulationId }],
        });
      }
      const refusal = await checkWebhookUrl(url, ctx.config.webhooks.allowHosts);
      if (refusal !== null) {
        throw new ServerError(ServerErrorCode.WebhookUrlRefused, `Webhook URL refused: ${refusal}`, {
          issues: [{ path: 'body.url', message: refusal, found: url }],
        });
      }
      const row: WebhookRow = {
        id: newId('wh'),
        account_id: account.id,
        url,
        event_types: eventTypes.join(','),
        simulation_id: simulationId ?? null,
        secret: newWebhookSecret(),
        created_at: new Date().toISOString(),
      };
      await ctx.catalog.insertWebhook(row);
      await ctx.webhooks.reload();
      return reply.code(201).send({ ...(await webhookView(row)), secret: row.secret });
    },
  );

  const owned = async (request: { params: { webhookId: string } } & Parameters<typeof principalOf>[0]) => {
    const row = await ctx.catalog.ownedWebhook(principalOf(request).account.id, request.params.webhookId);
    if (row === null) throw notFound(`Webhook ${request.params.webhookId}`);
    return row;
  };

  app.get(
    '/api/v1/webhooks/:webhookId',
    { schema: { tags, summary: 'A webhook', params: webhookParams } },
    async (request) => webhookView(await owned(request)),
  );

  app.delete(
    '/api/v1/webhooks/:webhookId',
    { schema: { tags, summary: 'Remove a webhook', params: webhookParams }, config: { auth: 'write' } },
    async (request, reply) => {
      await ctx.catalog.deleteWebhook((await owned(request)).id);
      await ctx.webhooks.reload();
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/v1/webhooks/:webhookId/test',
    {
      schema: { tags, summary: 'Send a signed test event now; returns the first attempt', params: webhookParams },
      config: { auth: 'write' },
    },
    async (request) => deliveryView(await ctx.webhooks.test(await owned(request))),
  );

  app.get(
    '/api/v1/webhooks/:webhookId/deliveries',
    {
      schema: {
        tags,
        summary: 'Delivery log, newest first',
        params: webhookParams,
        querystring: z.strictObject({
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          status: z.enum(['pending', 'retrying', 'delivered', 'failed']).optional(),
        }),
      },
    },
    async (request) =>
      (await ctx.catalog.deliveries((await owned(request)).id, request.query.limit, request.query.status)).map(
        deliveryView,
      ),
  );

  app.post(
    '/api/v1/webhooks/:webhookId/redeliver',
    {
      schema: {
        tags,
        summary: 'Send deliveries again: every failed one, or those named',
        description:
          'Each delivery goes out again with its webhook-id and body unchanged (a new timestamp and signature) and a fresh retry schedule. Without deliveryIds, every failed delivery of the webhook is queued; named deliveries are queued whatever their state. Answers the queued deliveries.',
        params: webhookParams,
        body: z
          .strictObject({ deliveryIds: z.array(z.string().min(1).max(300)).min(1).max(1000).optional() })
          .default({}),
      },
      config: { auth: 'write' },
    },
    async (request, reply) => {
      const queued = await ctx.webhooks.redeliver(await owned(request), request.body.deliveryIds);
      return reply.code(202).send({ redelivered: queued.map(deliveryView) });
    },
  );
};
