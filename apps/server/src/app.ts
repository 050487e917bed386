import { existsSync } from 'node:fs';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { MAX_ID_LENGTH } from '@doppel/twin';
import Fastify from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { hashKey, keyIdOf } from '@doppel/catalog';
import { openCatalog } from './catalog-open.js';
import { resolveConfig, type ServerConfig, type ServerConfigInput } from './config.js';
import type { ServerContext } from './context.js';
import { ServerError, ServerErrorCode } from './errors.js';
import { AuthFailureLimiter } from './http/auth-failures.js';
import { registerDrain } from './http/drain.js';
import { KEY_PROTOCOL_PREFIX, keyOf, registerAuth } from './http/auth.js';
import { registerBodyParsers } from './http/body-parsers.js';
import { clientErrorProblem, frameworkErrorProblem, registerProblemHandlers } from './http/problems.js';
import { registerTenancy } from './http/tenancy.js';
import { loadFastifyWebsocket } from './http/ws-compat.js';
import type { App, RoutePlugin } from './http/types.js';
import { VehicleMirror } from './live/vehicle-mirror.js';
import { ServerMetrics } from './metrics.js';
import { loadPacks } from './packs.js';
import { bindingRoutes } from './routes/bindings.js';
import { dataRoutes } from './routes/data.js';
import { fmuRoutes } from './routes/fmus.js';
import { modelRunRoutes } from './routes/model-runs.js';
import { projectRoutes } from './routes/projects.js';
import { simulationRoutes } from './routes/simulations.js';
import { streamRoutes } from './routes/stream.js';
import { systemRoutes } from './routes/system.js';
import { testRoutes } from './routes/tests.js';
import { twinRoutes } from './routes/twin.js';
import { twinStepRoutes } from './routes/twin-step.js';
import { webhookRoutes } from './routes/webhooks.js';
import { ExampleCatalog } from './sim/examples.js';
import { SimulationManager } from './sim/manager.js';
import { ExperimentRuns } from './lab/experiment-runs.js';
import { importLegacyExperiments } from './lab/legacy-experiments.js';
import { experimentRoutes } from './routes/experiments.js';
import { StoredLedgers } from './sim/ledger-stores.js';
import { recoverSimulations } from './sim/recovery.js';
import { StreamHub } from './stream/hub.js';
import { TestRuns } from './testing/test-runs.js';
import type { Clock } from './webhooks/clock.js';
import { WebhookDispatcher } from './webhooks/dispatcher.js';

export interface DoppelApp {
  readonly app: App;
  readonly context: ServerContext;
  readonly config: ServerConfig;
}

/**
 * Builds the Doppel server (routes, plugins, simulations) without listening: tests inject requests or listen on
 * port 0; `startServer` listens and handles signals. Closing the app stops every simulation after flushing its
 * ledger.
 */
/** What a test may put in place of the real thing: the clock webhook deliveries are scheduled on. */
export interface AppDeps {
  readonly webhookClock?: Clock;
}

export async function buildApp(input: ServerConfigInput = {}, deps: AppDeps = {}): Promise<DoppelApp> {
  const config = resolveConfig(input);
  const app = Fastify({
    logger:
      config.logLevel === false
        ? false
        : {
            level: config.logLevel,
            // Keys never reach a log line: headers are not logged and `?key=` (WebSocket) is masked.
            serializers: {
              req: (request: { method: string; url: string; ip?: string }) => ({
                method: request.method,
                url: request.url.replace(/([?&]key=)[^&]*/g, '$1[redacted]'),
                ip: request.ip,
              }),
            },
          },
    bodyLimit: config.limits.bodyLimitBytes,
    // A client has this long to send its whole request; checked every second, so a body shorter than its
    // Content-Length is answered 408 within about that time instead of holding a connection.
    requestTimeout: config.limits.receiveTimeoutMs,
    http: { connectionsCheckingInterval: 1_000 },
    // Ids in paths may be percent-encoded (up to 3 characters each); longer segments are answered 414.
    routerOptions: { maxParamLength: 3 * MAX_ID_LENGTH },
    clientErrorHandler: clientErrorProblem,
    frameworkErrors: frameworkErrorProblem,
    ajv: { customOptions: { removeAdditional: false } },
    // Requests arriving while the server closes get problem+json from the drain hook, not Fastify's plain 503.
    return503OnClosing: false,
  }).withTypeProvider<ZodTypeProvider>();
  app.server.headersTimeout = config.limits.receiveTimeoutMs;
  const routes: { method: string; url: string }[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  app.setValidatorCompiler(validatorCompiler);
  // Responses are built by this server from typed values: the route schemas document them (OpenAPI) but are not
  // re-validated on the way out, which for large state snapshots would cost more than producing them.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  const catalog = await openCatalog(config);
  const packs = await loadPacks(config.packModules);
  const examples = new ExampleCatalog(config.examplesDir);
  const metrics = new ServerMetrics();
  const ledgers = await StoredLedgers.open(config.storeUrl).catch(async (error: unknown) => {
    await catalog.close();
    throw error;
  });
  const manager = new SimulationManager(catalog, packs, examples, config, ledgers);
  manager.onStorageFailure = (error) => app.log.error({ code: error.code }, error.message);
  // After a crash the catalog lags behind the ledger files and journals: it is brought level before any request.
  await manager.discardUnfinishedCreations();
  await recoverSimulations(catalog, (simId) => manager.ledgerPath(simId), ledgers);
  const hub = new StreamHub(manager, metrics, config.limits.wsMaxBufferedBytes);
  const webhooks = new WebhookDispatcher(catalog, config.webhooks, metrics, app.log, manager, deps.webhookClock);
  await webhooks.start();
  manager.listen((simId, message) => {
    if (message.type === 'note') app.log.info({ simId }, message.message);
    // A worker reports a stopped run once ('failed'); other failures show as a status change to failed.
    const stopped = message.type === 'failed';
    if (stopped || (message.type === 'status' && message.info.status === 'failed' && message.previous !== 'failed')) {
      metrics.failedSimulations.inc();
    }
  });
  const testRuns = new TestRuns(catalog.tests, config);
  const legacy = await importLegacyExperiments(
    config.dataDir,
    catalog.experiments,
    new Set((await catalog.listAccounts()).map((account) => account.id)),
    new Date().toISOString(),
  );
  for (const problem of legacy.problems) {
    app.log.warn(
      problem,
      `Experiment file ${problem.file} not imported: at ${problem.path} expected ${problem.expected}, found ${problem.actual}`,
    );
  }
  if (legacy.imported.length > 0) app.log.info(`Imported ${legacy.imported.length} experiments into the catalog`);
  const experiments = new ExperimentRuns(catalog.experiments, config);
  const mirror = new VehicleMirror();
  metrics.fleetCounts = () => mirror.counts();
  const context: ServerContext = {
    config,
    catalog,
    manager,
    examples,
    metrics,
    hub,
    webhooks,
    testRuns,
    experiments,
    routes,
    mirror,
  };

  registerProblemHandlers(app, config.dataDir);
  registerDrain(app);
  registerBodyParsers(app);

  await app.register(fastifyRateLimit, {
    max: config.limits.rateLimitMax,
    timeWindow: config.limits.rateLimitWindowMs,
    // Per key (hashed, never the key itself), else per address.
    keyGenerator: (request) => {
      const key = keyOf(request);
      return key === null ? `ip:${request.ip}` : `key:${keyIdOf(key) ?? hashKey(key).slice(0, 32)}`;
    },
    allowList: (request) => request.url === '/health' || request.url === '/metrics',
    errorResponseBuilder: (_request, context) =>
      new ServerError(ServerErrorCode.RateLimited, `Too many requests: retry in ${Math.ceil(context.ttl / 1000)} s`, {
        headers: { 'retry-after': String(Math.ceil(context.ttl / 1000)) },
      }),
  });
  await app.register(await loadFastifyWebsocket(), {
    options: {
      maxPayload: 64 * 1024,
      handleProtocols: (protocols: Set<string>) =>
        protocols.has('doppel') ? 'doppel' : ([...protocols].find((p) => !p.startsWith(KEY_PROTOCOL_PREFIX)) ?? false),
    },
  });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Doppel API',
        version: '0.1.0',
        description:
          'Digital twin sandbox: simulations, God Mode interventions, ledger, time travel, telemetry, webhooks. Authenticate with Authorization: Bearer <API key>. Errors are application/problem+json with a stable code.',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
    },
    transform: jsonSchemaTransform,
    // Schemas with an id (the twin's wire contract) become components/schemas, and references point at them.
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true } });

  registerAuth(app, catalog, new AuthFailureLimiter(config.limits.authFailuresMax, config.limits.rateLimitWindowMs));
  registerTenancy(app, catalog);
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  app.get('/openapi.json', { schema: { hide: true }, config: { auth: 'public' } }, async () => app.swagger());
  // Each route file is an encapsulated Fastify plugin (a RoutePlugin); the server context is its options. Registered in
  // this order, one after the other: adding a route file means adding it to the list.
  const routePlugins: readonly RoutePlugin[] = [
    systemRoutes,
    simulationRoutes,
    dataRoutes,
    twinRoutes,
    twinStepRoutes,
    webhookRoutes,
    testRoutes,
    projectRoutes,
    bindingRoutes,
    modelRunRoutes,
    experimentRoutes,
    fmuRoutes,
    streamRoutes,
  ];
  for (const plugin of routePlugins) await app.register(plugin, context);

  if (config.webDir !== null && existsSync(config.webDir)) {
    await app.register(fastifyStatic, { root: config.webDir, prefix: '/', wildcard: false });
  }

  app.addHook('onClose', async () => {
    hub.closeAll();
    await testRuns.stop();
    await experiments.stop();
    await manager.shutdown();
    await webhooks.stop();
    await ledgers.close();
    await catalog.close();
  });
  return { app, context, config };
}
