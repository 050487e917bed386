import { idString, loadScenarioText, ScenarioError, ScenarioIssueCode, TwinError } from '@doppel/twin';
import { exampleTestSchema } from '@doppel/twin/contracts';
import { z } from 'zod';
import { principalOf } from '../http/auth.js';
import type { RoutePlugin } from '../http/types.js';
import { SCOPES } from '@doppel/catalog';
import { issuesOf, notFound, ServerError, ServerErrorCode, toErrorPayload } from '../errors.js';

const VERSION = '0.1.0';

/** Health, metrics, the caller's account, accounts (admin), packs, examples and scenario validation. */
export const systemRoutes: RoutePlugin = async (app, ctx) => {
  const health = {
    schema: {
      tags: ['system'],
      summary: 'Liveness and basic facts',
      response: {
        200: z.object({
          status: z.literal('ok'),
          version: z.string(),
          packs: z.array(z.string()),
          uptimeS: z.number(),
        }),
      },
    },
    config: { auth: 'public' as const },
  };
  const healthHandler = async () => ({
    status: 'ok' as const,
    version: VERSION,
    packs: ctx.manager.packs.list().map((pack) => pack.name),
    uptimeS: Math.round(process.uptime()),
  });
  app.get('/health', health, healthHandler);
  app.get('/api/v1/health', health, healthHandler);

  app.get(
    '/metrics',
    { schema: { tags: ['system'], summary: 'Prometheus metrics', hide: true }, config: { auth: 'public' } },
    async (_request, reply) => {
      ctx.metrics.liveSimulations.set(ctx.manager.liveCount());
      const text = await ctx.metrics.registry.metrics();
      return reply.type(ctx.metrics.registry.contentType).send(text);
    },
  );

  app.get(
    '/api/v1/account',
    { schema: { tags: ['accounts'], summary: 'The account of the calling key' }, config: { auth: 'read' } },
    async (request) => {
      const principal = principalOf(request);
      return {
        id: principal.account.id,
        name: principal.account.name,
        scopes: principal.scopes,
        createdAt: principal.account.createdAt,
        limits: ctx.config.limits,
      };
    },
  );

  app.get(
    '/api/v1/accounts',
    { schema: { tags: ['accounts'], summary: 'Every account (admin)' }, config: { auth: 'admin' } },
    async () => ctx.catalog.listAccounts(),
  );

  app.post(
    '/api/v1/accounts',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Create an account and its first API key (admin); the key is shown once',
        body: z.strictObject({
          name: z
            .string()
            .min(1)
            .max(100)
            .regex(/^[A-Za-z0-9._-]+$/),
          scopes: z.array(z.enum(SCOPES)).min(1).default(['read', 'write']),
        }),
      },
      config: { auth: 'admin' },
    },
    async (request, reply) => {
      const { name, scopes } = request.body;
      if ((await ctx.catalog.accountByName(name)) !== null) {
        throw new ServerError(ServerErrorCode.Validation, `Account "${name}" already exists`, {
          status: 409,
          issues: [{ path: 'body.name', message: 'already taken', found: name }],
        });
      }
      const created = await ctx.catalog.createAccount(name, scopes);
      return reply.code(201).send({ account: created.account, key: created.key, scopes: created.scopes });
    },
  );

  app.get('/api/v1/packs', { schema: { tags: ['packs'], summary: 'Installed packs' } }, async () =>
    ctx.manager.packs.describeAll(),
  );

  app.get(
    '/api/v1/packs/:pack',
    {
      schema: {
        tags: ['packs'],
        summary: 'A pack: asset kinds with state and intervention JSON Schemas (for generated forms), KPIs',
        params: z.strictObject({ pack: idString() }),
      },
    },
    async (request) => {
      if (!ctx.manager.packs.has(request.params.pack)) throw notFound(`Pack ${request.params.pack}`);
      return ctx.manager.packs.describe(request.params.pack);
    },
  );

  app.get('/api/v1/examples', { schema: { tags: ['scenarios'], summary: 'Stored example scenarios' } }, async () =>
    ctx.examples.list(),
  );

  app.get(
    '/api/v1/example-tests',
    {
      schema: {
        tags: ['tests'],
        summary: 'Scenario tests shipped with the examples, ready to store and run',
        description:
          'Each test of an examples folder (`<pack>/*.test.yaml`) with its text as POST /api/v1/tests takes it: its scenario and baseline files are given relative to the examples/tests folder.',
        response: { 200: z.array(exampleTestSchema) },
      },
    },
    async () => [...ctx.examples.tests()],
  );

  app.get(
    '/api/v1/examples/:exampleId',
    {
      schema: {
        tags: ['scenarios'],
        summary: 'The YAML text of an example scenario',
        params: z.strictObject({ exampleId: idString() }),
      },
    },
    async (request, reply) => {
      const text = ctx.examples.text(request.params.exampleId, ctx.manager.packs.list());
      if (text === null) throw notFound(`Example ${request.params.exampleId}`);
      return reply.type('application/yaml; charset=utf-8').send(text);
    },
  );

  app.post(
    '/api/v1/scenarios/validate',
    {
      schema: {
        tags: ['scenarios'],
        summary: 'Check a scenario (YAML or JSON text): every problem located by line, column and field',
        body: z.strictObject({ scenario: z.string().min(1), seed: z.number().int().optional() }),
      },
    },
    async (request) => {
      try {
        const scenario = loadScenarioText(request.body.scenario, {
          fileName: 'scenario',
          packs: ctx.manager.packs.list(),
          seed: request.body.seed,
        });
        return {
          valid: true,
          issues: [],
          scenario: {
            name: scenario.name,
            pack: scenario.pack,
            durationS: scenario.durationS,
            sha256: scenario.sha256,
          },
        };
      } catch (error) {
        // A document over an input limit (size, depth, aliases) could not be checked at all: 422, located.
        if (
          error instanceof ScenarioError &&
          error.issues.some((issue) => issue.code === ScenarioIssueCode.InputLimit)
        ) {
          throw error;
        }
        if (error instanceof ScenarioError || error instanceof TwinError) {
          return { valid: false, issues: issuesOf(toErrorPayload(error)), scenario: null };
        }
        throw error;
      }
    },
  );
};
