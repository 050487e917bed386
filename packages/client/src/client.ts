import { DoppelApiError } from './errors.js';
import { openStream, type StreamOptions, type StreamSubscription, type WebSocketFactory } from './stream.js';
import type {
  HilStartInput,
  HilStatus,
  ModelBinding,
  ModelBindingInput,
  AccountInfo,
  AssetView,
  Breakpoint,
  CreatedAccount,
  CreatedWebhook,
  CreateSimulationInput,
  ExampleInfo,
  ExampleTest,
  Experiment,
  ExperimentSummary,
  Fmu,
  FmuSummary,
  Health,
  InterventionInput,
  InterventionRecord,
  JsonObject,
  KpiSnapshot,
  SimulationEvent,
  RunOptions,
  LedgerQuery,
  MachineModel,
  MachineModelInput,
  ModelLayout,
  ModelLayoutInput,
  ModelRunInput,
  ModelStepInput,
  ProcessCatalogue,
  ProcessModelComponent,
  ProcessModelConnection,
  Project,
  ProjectInput,
  ProjectPatch,
  PackDescription,
  Problem,
  RunSummary,
  ScenarioTest,
  ScenarioValidation,
  Scope,
  Simulation,
  StateSnapshot,
  TelemetryRow,
  TestRun,
  TestRunSummary,
  TestValidation,
  TwinLiveFleet,
  TwinLiveFork,
  TwinLiveForkRequest,
  TwinLiveVehicle,
  TwinResults,
  TwinTelemetryInput,
  TwinScenarioCreated,
  TwinScenarioRequest,
  TwinVehicle,
  TwinVehicleRequest,
  TwinVehicleState,
  Webhook,
  WebhookDelivery,
} from './types.js';

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface DoppelClientOptions {
  /** e.g. http://127.0.0.1:8080 (no trailing /api/v1). Browser default: the page's origin. */
  readonly baseUrl?: string;
  readonly apiKey?: string;
  /** Default: the global fetch. */
  readonly fetch?: FetchLike;
  /** WebSocket constructor: the browser's by default; in Node pass `WebSocket` from the `ws` package. */
  readonly WebSocket?: WebSocketFactory;
}

/** A step: N engine events, or Δt sim seconds. */
export type StepInput = { readonly events: number } | { readonly seconds: number };

/** God Mode body (seed 000): action, optional `at`, and the action's arguments as the remaining fields. */
export type GodModeBody = { readonly action: string; readonly at?: number } & Record<string, unknown>;

const enc = encodeURIComponent;

/**
 * Typed client of the Doppel API: every REST route plus the resumable WebSocket stream. Browser-safe: it uses
 * only fetch and an injected (or global) WebSocket.
 */
export class DoppelClient {
  readonly baseUrl: string;
  private readonly apiKey: string | undefined;
  private readonly fetchImpl: FetchLike;
  private readonly WebSocketImpl: WebSocketFactory | undefined;

  constructor(options: DoppelClientOptions = {}) {
    const origin = (globalThis as { location?: { origin?: string } }).location?.origin;
    this.baseUrl = (options.baseUrl ?? origin ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
    this.apiKey = options.apiKey;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.WebSocketImpl = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketFactory }).WebSocket;
  }

  /** Low-level call: JSON in, JSON (or text) out, problem+json turned into DoppelApiError. */
  async request<T>(method: string, path: string, body?: unknown, query?: Record<string, unknown>): Promise<T> {
    const url = this.baseUrl + path + queryString(query);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.apiKey !== undefined) headers.authorization = `Bearer ${this.apiKey}`;
    // A form (an upload) is sent as multipart/form-data: fetch writes its content type with the boundary.
    const form = body instanceof FormData;
    if (body !== undefined && !form) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method,
        headers,
        body: body === undefined ? undefined : form ? body : JSON.stringify(body),
      });
    } catch (error) {
      throw new DoppelApiError(0, null, `Network error: ${error instanceof Error ? error.message : String(error)}`);
    }
    const text = await response.text();
    if (!response.ok) {
      let problem: Problem | null = null;
      try {
        problem = JSON.parse(text) as Problem;
      } catch {
        problem = null;
      }
      const retry = response.headers.get('retry-after');
      throw new DoppelApiError(
        response.status,
        problem,
        problem?.detail ?? `HTTP ${response.status}`,
        retry === null ? null : Number(retry),
      );
    }
    if (text.length === 0) return undefined as T;
    const type = response.headers.get('content-type') ?? '';
    return (type.includes('json') ? JSON.parse(text) : text) as T;
  }

  // ---- system -------------------------------------------------------------------------------------------------
  health = (): Promise<Health> => this.request('GET', '/health');
  account = (): Promise<AccountInfo> => this.request('GET', '/api/v1/account');
  createAccount = (name: string, scopes?: readonly Scope[]): Promise<CreatedAccount> =>
    this.request('POST', '/api/v1/accounts', { name, ...(scopes ? { scopes } : {}) });
  packs = (): Promise<PackDescription[]> => this.request('GET', '/api/v1/packs');
  pack = (name: string): Promise<PackDescription> => this.request('GET', `/api/v1/packs/${enc(name)}`);
  examples = (): Promise<ExampleInfo[]> => this.request('GET', '/api/v1/examples');
  exampleYaml = (id: string): Promise<string> => this.request('GET', `/api/v1/examples/${enc(id)}`);
  /** The scenario tests shipped with the examples, each ready for `tests.create`. */
  exampleTests = (): Promise<ExampleTest[]> => this.request('GET', '/api/v1/example-tests');
  validateScenario = (scenario: string, seed?: number): Promise<ScenarioValidation> =>
    this.request('POST', '/api/v1/scenarios/validate', { scenario, ...(seed !== undefined ? { seed } : {}) });

  // ---- simulations --------------------------------------------------------------------------------------------
  listSimulations = (): Promise<Simulation[]> => this.request('GET', '/api/v1/simulations');
  createSimulation = (input: CreateSimulationInput): Promise<Simulation> =>
    this.request('POST', '/api/v1/simulations', input);
  getSimulation = (id: string): Promise<Simulation> => this.request('GET', sim(id));
  deleteSimulation = (id: string): Promise<void> => this.request('DELETE', sim(id));
  /** Starts a paced run (returns at once); speed in sim seconds per wall second, null/omitted = max. */
  run = (id: string, options: RunOptions = {}): Promise<Simulation> => this.request('POST', `${sim(id)}/run`, options);
  /** Acknowledges a debug mode pause (`simulation.debug.awaitingAck`): the paused run continues. */
  ack = (id: string): Promise<Simulation> => this.request('POST', `${sim(id)}/ack`, {});
  pause = (id: string): Promise<Simulation> => this.request('POST', `${sim(id)}/pause`, {});
  resume = (id: string): Promise<Simulation> => this.request('POST', `${sim(id)}/resume`, {});
  setSpeed = (id: string, speed: number | null): Promise<Simulation> =>
    this.request('POST', `${sim(id)}/speed`, { speed });
  step = (id: string, step: StepInput): Promise<Simulation> => this.request('POST', `${sim(id)}/step`, step);
  runUntil = (id: string, t: number): Promise<Simulation> => this.request('POST', `${sim(id)}/run-until`, { t });
  rewind = (id: string, t: number): Promise<Simulation> => this.request('POST', `${sim(id)}/rewind`, { t });
  branch = (
    id: string,
    t: number,
    options: { name?: string; interventions?: readonly InterventionInput[] } = {},
  ): Promise<Simulation> => this.request('POST', `${sim(id)}/branch`, { t, ...options });

  // ---- state, assets, God Mode ----------------------------------------------------------------------------------
  /** Every asset at the live head (with status and KPIs), or as of sim time `t`. */
  state = (id: string, options: { t?: number; kind?: string } = {}): Promise<StateSnapshot> =>
    this.request('GET', `${sim(id)}/state`, undefined, options);
  assets = (id: string, kind?: string): Promise<AssetView[]> =>
    this.request('GET', `${sim(id)}/assets`, undefined, { kind });
  asset = (id: string, kind: string, assetId: string): Promise<AssetView> =>
    this.request('GET', `${sim(id)}/assets/${enc(kind)}/${enc(assetId)}`);
  /** God Mode: PATCH an asset with an action and its arguments. */
  patchAsset = (id: string, kind: string, assetId: string, body: GodModeBody): Promise<InterventionRecord> =>
    this.request('PATCH', `${sim(id)}/assets/${enc(kind)}/${enc(assetId)}`, body);
  assetHistory = (
    id: string,
    kind: string,
    assetId: string,
    query: Omit<LedgerQuery, 'assetId'> = {},
  ): Promise<SimulationEvent[]> =>
    this.request('GET', `${sim(id)}/assets/${enc(kind)}/${enc(assetId)}/history`, undefined, ledgerParams(query));

  // ---- ledger, interventions, breakpoints, results ------------------------------------------------------------
  ledger = (id: string, query: LedgerQuery = {}): Promise<SimulationEvent[]> =>
    this.request('GET', `${sim(id)}/ledger`, undefined, ledgerParams(query));

  /** Every matching ledger record, page by page (afterSeq paging). */
  async *ledgerAll(id: string, query: Omit<LedgerQuery, 'afterSeq' | 'order'> = {}): AsyncGenerator<SimulationEvent> {
    let afterSeq = 0;
    const limit = query.limit ?? 5000;
    for (;;) {
      const page = await this.ledger(id, { ...query, afterSeq, limit, order: 'asc' });
      for (const event of page) yield event;
      if (page.length < limit) return;
      afterSeq = page[page.length - 1].seq;
    }
  }

  interventions = (id: string): Promise<InterventionRecord[]> => this.request('GET', `${sim(id)}/interventions`);
  intervene = (id: string, input: InterventionInput): Promise<InterventionRecord> =>
    this.request('POST', `${sim(id)}/interventions`, input);
  intervention = (id: string, interventionId: string): Promise<InterventionRecord> =>
    this.request('GET', `${sim(id)}/interventions/${enc(interventionId)}`);
  cancelIntervention = (id: string, interventionId: string): Promise<InterventionRecord> =>
    this.request('DELETE', `${sim(id)}/interventions/${enc(interventionId)}`);
  breakpoints = (id: string): Promise<Breakpoint[]> => this.request('GET', `${sim(id)}/breakpoints`);
  addBreakpoint = (id: string, expression: string): Promise<Breakpoint> =>
    this.request('POST', `${sim(id)}/breakpoints`, { expression });
  removeBreakpoint = (id: string, breakpointId: string): Promise<void> =>
    this.request('DELETE', `${sim(id)}/breakpoints/${enc(breakpointId)}`);
  kpis = (id: string): Promise<KpiSnapshot> => this.request('GET', `${sim(id)}/kpis`);
  telemetry = (id: string, fromTime?: number): Promise<TelemetryRow[]> =>
    this.request('GET', `${sim(id)}/telemetry`, undefined, { fromTime });
  results = (id: string): Promise<RunSummary> => this.request('GET', `${sim(id)}/results`);

  // ---- webhooks -----------------------------------------------------------------------------------------------
  webhooks = (): Promise<Webhook[]> => this.request('GET', '/api/v1/webhooks');
  createWebhook = (input: {
    url: string;
    eventTypes: readonly string[];
    simulationId?: string;
  }): Promise<CreatedWebhook> => this.request('POST', '/api/v1/webhooks', input);
  webhook = (webhookId: string): Promise<Webhook> => this.request('GET', `/api/v1/webhooks/${enc(webhookId)}`);
  deleteWebhook = (webhookId: string): Promise<void> => this.request('DELETE', `/api/v1/webhooks/${enc(webhookId)}`);
  testWebhook = (webhookId: string): Promise<WebhookDelivery> =>
    this.request('POST', `/api/v1/webhooks/${enc(webhookId)}/test`, {});
  webhookDeliveries = (
    webhookId: string,
    limit?: number,
    status?: WebhookDelivery['status'],
  ): Promise<WebhookDelivery[]> =>
    this.request('GET', `/api/v1/webhooks/${enc(webhookId)}/deliveries`, undefined, { limit, status });
  /** Queues deliveries again under their ids: the failed ones, or those named. */
  redeliverWebhook = (
    webhookId: string,
    deliveryIds?: readonly string[],
  ): Promise<{ redelivered: WebhookDelivery[] }> =>
    this.request(
      'POST',
      `/api/v1/webhooks/${enc(webhookId)}/redeliver`,
      deliveryIds === undefined ? {} : { deliveryIds },
    );

  // ---- scenario tests (seed 004's test automation service) --------------------------------------------------
  tests = {
    list: (): Promise<ScenarioTest[]> => this.request('GET', '/api/v1/tests'),
    /** Stores a test (its YAML text, as doppel test reads it); invalid text: DoppelApiError with located issues. */
    create: (yaml: string): Promise<ScenarioTest> => this.request('POST', '/api/v1/tests', { yaml }),
    get: (testId: string): Promise<ScenarioTest> => this.request('GET', `/api/v1/tests/${enc(testId)}`),
    update: (testId: string, yaml: string): Promise<ScenarioTest> =>
      this.request('PUT', `/api/v1/tests/${enc(testId)}`, { yaml }),
    delete: (testId: string): Promise<void> => this.request('DELETE', `/api/v1/tests/${enc(testId)}`),
    /** Checks a test's text without storing it. */
    validate: (yaml: string): Promise<TestValidation> => this.request('POST', '/api/v1/tests/validate', { yaml }),
    /** Starts a background run; follow it with `result`. */
    run: (testId: string): Promise<TestRunSummary> => this.request('POST', `/api/v1/testing/run/${enc(testId)}`),
    runs: (testId: string, limit?: number): Promise<TestRunSummary[]> =>
      this.request('GET', `/api/v1/tests/${enc(testId)}/results`, undefined, { limit }),
    result: (resultId: string): Promise<TestRun> => this.request('GET', `/api/v1/test-results/${enc(resultId)}`),
    /** Re-creates a finished run's shown replication as a simulation paused at `t` (default: its first failure). */
    open: (resultId: string, t?: number): Promise<Simulation> =>
      this.request('POST', `/api/v1/test-results/${enc(resultId)}/simulation`, t === undefined ? {} : { t }),
    /** A finished run's report: JUnit XML or the self-contained HTML page. */
    report: (resultId: string, format: 'junit' | 'html'): Promise<string> =>
      this.request('GET', `/api/v1/test-results/${enc(resultId)}`, undefined, { format }),
  };

  // ---- experiments: replications, sweeps and A/B comparisons with confidence intervals ----------------------
  experiments = {
    list: (): Promise<ExperimentSummary[]> => this.request('GET', '/api/v1/experiments'),
    /** Queues an experiment (its YAML text, as doppel experiment run reads it); invalid text: located issues. */
    create: (yaml: string): Promise<Experiment> => this.request('POST', '/api/v1/experiments', { yaml }),
    /** Status, progress, and the results with their intervals once it succeeded. */
    get: (experimentId: string): Promise<Experiment> => this.request('GET', `/api/v1/experiments/${enc(experimentId)}`),
    cancel: (experimentId: string): Promise<Experiment> =>
      this.request('POST', `/api/v1/experiments/${enc(experimentId)}/cancel`, {}),
    delete: (experimentId: string): Promise<void> => this.request('DELETE', `/api/v1/experiments/${enc(experimentId)}`),
  };

  // ---- modelling (seed 004): projects, machine models, the component catalogue, model simulations -------------
  projects = {
    list: (): Promise<Project[]> => this.request('GET', '/api/v1/projects'),
    create: (input: ProjectInput): Promise<Project> => this.request('POST', '/api/v1/projects', input),
    get: (projectId: string): Promise<Project> => this.request('GET', `/api/v1/projects/${enc(projectId)}`),
    update: (projectId: string, patch: ProjectPatch): Promise<Project> =>
      this.request('PATCH', `/api/v1/projects/${enc(projectId)}`, patch),
    /** Deletes the project with its models. */
    delete: (projectId: string): Promise<void> => this.request('DELETE', `/api/v1/projects/${enc(projectId)}`),
    models: (projectId: string): Promise<MachineModel[]> =>
      this.request('GET', `/api/v1/projects/${enc(projectId)}/models`),
    /** Adds a model; one that does not compile (unit mismatch, loop, unknown port) is a 422 with located issues. */
    createModel: (projectId: string, input: MachineModelInput): Promise<MachineModel> =>
      this.request('POST', `/api/v1/projects/${enc(projectId)}/models`, input),
  };

  models = {
    /** The component catalogue: types with ports (units), property JSON Schemas and defaults. */
    catalogue: (): Promise<ProcessCatalogue> => this.request('GET', '/api/v1/process/catalogue'),
    get: (modelId: string): Promise<MachineModel> => this.request('GET', model(modelId)),
    /** Replaces the whole model (name, description, components, connections) in one save. */
    update: (modelId: string, input: MachineModelInput): Promise<MachineModel> =>
      this.request('PUT', model(modelId), input),
    delete: (modelId: string): Promise<void> => this.request('DELETE', model(modelId)),
    components: (modelId: string): Promise<ProcessModelComponent[]> =>
      this.request('GET', `${model(modelId)}/components`),
    setComponents: (modelId: string, components: readonly ProcessModelComponent[]): Promise<ProcessModelComponent[]> =>
      this.request('PUT', `${model(modelId)}/components`, components),
    connections: (modelId: string): Promise<ProcessModelConnection[]> =>
      this.request('GET', `${model(modelId)}/connections`),
    setConnections: (
      modelId: string,
      connections: readonly ProcessModelConnection[],
    ): Promise<ProcessModelConnection[]> => this.request('PUT', `${model(modelId)}/connections`, connections),
    /** Where the canvas draws each component, and its pan and zoom. */
    layout: (modelId: string): Promise<ModelLayout> => this.request('GET', `${model(modelId)}/layout`),
    /** Replaces the layout alone (the model is not compiled again); every id must be a component of the model. */
    setLayout: (modelId: string, layout: ModelLayoutInput): Promise<ModelLayout> =>
      this.request('PUT', `${model(modelId)}/layout`, layout),
  };

  /** A model's communication bindings: one signal of the model to one point of a device each. */
  bindings = {
    list: (modelId: string): Promise<ModelBinding[]> => this.request('GET', `${model(modelId)}/bindings`),
    /** A binding that does not fit the model or its protocol's addressing is a 422 with located issues. */
    create: (modelId: string, input: ModelBindingInput): Promise<ModelBinding> =>
      this.request('POST', `${model(modelId)}/bindings`, input),
    get: (modelId: string, bindingId: string): Promise<ModelBinding> =>
      this.request('GET', `${model(modelId)}/bindings/${enc(bindingId)}`),
    replace: (modelId: string, bindingId: string, input: ModelBindingInput): Promise<ModelBinding> =>
      this.request('PUT', `${model(modelId)}/bindings/${enc(bindingId)}`, input),
    delete: (modelId: string, bindingId: string): Promise<void> =>
      this.request('DELETE', `${model(modelId)}/bindings/${enc(bindingId)}`),
  };

  /** FMUs of the account: upload (validated by the server), list, read, delete. */
  fmus = {
    /** Uploads an archive under a file name; a bad FMU is a 422 whose code is DOPPEL_ERR_FMU_* and whose message names the file and element. */
    upload: (archive: Uint8Array | Blob, fileName: string): Promise<Fmu> => {
      const form = new FormData();
      // A Blob (a browser's File) goes as it is; bytes are copied into a Blob of their own.
      const blob = archive instanceof Blob ? archive : new Blob([new Uint8Array(archive)]);
      form.append('file', blob, fileName);
      return this.request('POST', '/api/v1/fmus', form);
    },
    list: (): Promise<FmuSummary[]> => this.request('GET', '/api/v1/fmus'),
    get: (fmuId: string): Promise<Fmu> => this.request('GET', `/api/v1/fmus/${enc(fmuId)}`),
    delete: (fmuId: string): Promise<void> => this.request('DELETE', `/api/v1/fmus/${enc(fmuId)}`),
  };

  /** The seed's simulation service: a model starts as a simulation, which then stops, pauses and steps. */
  simulation = {
    start: (modelId: string, options: ModelRunInput = {}): Promise<Simulation> =>
      this.request('POST', `/api/v1/simulation/start/${enc(modelId)}`, options),
    /** Hardware in the loop through the model's communication bindings; an unreachable device is a 409 naming it. */
    startHil: (modelId: string, options: HilStartInput = {}): Promise<Simulation> =>
      this.request('POST', `/api/v1/simulation/start_hil/${enc(modelId)}`, options),
    /** A hardware-in-the-loop run: loop state, cycle statistics, each binding's connection, last value and its age. */
    hil: (simId: string): Promise<HilStatus> => this.request('GET', `/api/v1/simulation/hil/${enc(simId)}`),
    resumeHil: (simId: string): Promise<HilStatus> =>
      this.request('POST', `/api/v1/simulation/resume_hil/${enc(simId)}`, {}),
    stop: (simId: string): Promise<Simulation> => this.request('POST', `/api/v1/simulation/stop/${enc(simId)}`, {}),
    pause: (simId: string): Promise<Simulation> => this.request('POST', `/api/v1/simulation/pause/${enc(simId)}`, {}),
    /** N engine events or Δt sim seconds; one event by default. */
    step: (simId: string, by: ModelStepInput = {}): Promise<Simulation> =>
      this.request('POST', `/api/v1/simulation/step/${enc(simId)}`, by),
  };

  // ---- seed 001 twin API --------------------------------------------------------------------------------------
  twin = {
    createVehicle: (input: TwinVehicleRequest): Promise<TwinVehicle> =>
      this.request('POST', '/api/v1/twin/vehicles', input),
    vehicleState: (vehicleId: string): Promise<TwinVehicleState> =>
      this.request('GET', `/api/v1/twin/vehicles/${enc(vehicleId)}/state`),
    /** `{type, vehicle_id?, seed?, weather?, sweep?, ...parameters of the type}`. */
    createScenario: (input: TwinScenarioRequest): Promise<TwinScenarioCreated> =>
      this.request('POST', '/api/v1/twin/scenarios', input),
    run: (simulationId: string): Promise<TwinResults> =>
      this.request('POST', `/api/v1/twin/simulations/${enc(simulationId)}/run`, {}),
    results: (simulationId: string): Promise<TwinResults> =>
      this.request('GET', `/api/v1/twin/results/${enc(simulationId)}`),
    /** A physical vehicle's telemetry sample, mirrored (a sample not newer than the last is refused, 409). */
    putTelemetry: (vehicleId: string, sample: TwinTelemetryInput): Promise<TwinLiveVehicle> =>
      this.request('PUT', `/api/v1/twin/vehicles/${enc(vehicleId)}/telemetry`, sample),
    /** The mirrored physical vehicles: age, sync latency, prediction, drift, live or stale. */
    live: (): Promise<TwinLiveFleet> => this.request('GET', '/api/v1/twin/live'),
    /**
     * A what-if simulation forked from the live mirror: the mirrored vehicles (all, or `vehicle_ids`) start from their
     * last measurement; it is created paused, for an intervention to try a change on the copy.
     */
    forkLive: (input: TwinLiveForkRequest = {}): Promise<TwinLiveFork> =>
      this.request('POST', '/api/v1/twin/live/fork', input),
  };

  // ---- stream -------------------------------------------------------------------------------------------------
  /** The WebSocket URL of a simulation's stream (the key travels as a subprotocol, not in the URL). */
  streamUrl(id: string, afterSeq?: number): string {
    const base = this.baseUrl.replace(/^http/, 'ws');
    return `${base}${sim(id)}/stream${afterSeq === undefined ? '' : `?afterSeq=${afterSeq}`}`;
  }

  /** Ledger events and notices of a simulation; resumes from the last seq after a dropped connection. */
  stream(id: string, options: StreamOptions): StreamSubscription {
    if (this.WebSocketImpl === undefined) {
      throw new Error('No WebSocket implementation: pass one (e.g. from the "ws" package) in the client options');
    }
    const protocols = ['doppel', ...(this.apiKey !== undefined ? [`doppel-key.${this.apiKey}`] : [])];
    return openStream(this.WebSocketImpl, (afterSeq) => this.streamUrl(id, afterSeq), protocols, options);
  }
}

function model(id: string): string {
  return `/api/v1/models/${enc(id)}`;
}

function sim(id: string): string {
  return `/api/v1/simulations/${enc(id)}`;
}

function ledgerParams(query: Omit<LedgerQuery, 'assetId'> & { assetId?: string }): Record<string, unknown> {
  const { eventTypes, ...rest } = query;
  return { ...rest, eventType: eventTypes?.join(',') || undefined };
}

function queryString(query: Record<string, unknown> | undefined): string {
  if (query === undefined) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    parts.push(`${enc(key)}=${enc(String(value))}`);
  }
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

export type { JsonObject };
