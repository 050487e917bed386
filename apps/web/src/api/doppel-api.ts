/**
 * The views' API over the Doppel server, through `@doppel/client`: maps the server's answers onto the view types
 * (types.ts) and its problem+json errors onto ApiProblem (code, message, located issues).
 */
import {
  DoppelApiError,
  DoppelClient,
  type AssetView as WireAssetView,
  type ProblemIssue,
  type Simulation,
} from '@doppel/client';
import type { DoppelApi, LedgerFilter } from './api.js';
import { ApiProblem, type ApiIssue, type AssetView, type SimSummary, type TelemetryRow } from './types.js';
import { isAssetStatus } from '../lib/scales.js';
import type { JsonSchema } from '../lib/schema-form.js';

/** The fields of a simulation the views read. */
type SimulationFields = Pick<
  Simulation,
  | 'id'
  | 'name'
  | 'pack'
  | 'status'
  | 'simTime'
  | 'durationS'
  | 'speed'
  | 'playing'
  | 'startIso'
  | 'timezone'
  | 'parentId'
  | 'forkTime'
  | 'headSeq'
  | 'createdAt'
> & { readonly debug?: Simulation['debug'] };

export function toSim(w: SimulationFields): SimSummary {
  return {
    id: w.id,
    name: w.name,
    pack: w.pack,
    // A paced run that is playing reports "running"; a stopped one keeps the catalog's word.
    state: w.playing && w.status !== 'failed' ? 'running' : w.status,
    simTime: w.simTime,
    durationS: w.durationS,
    speed: w.speed,
    startIso: w.startIso,
    timeZone: w.timezone,
    parentId: w.parentId,
    forkTime: w.forkTime,
    createdAt: w.createdAt,
    headSeq: w.headSeq,
    debug: w.debug == null ? null : { awaitingAck: w.debug.awaitingAck, pausedAt: w.debug.pausedAt },
  };
}

function toAsset(w: WireAssetView): AssetView {
  return {
    id: w.id,
    kind: w.kind,
    state: w.state,
    status: isAssetStatus(w.status) ? w.status : undefined,
    kpis: w.kpis,
  };
}

export function toIssues(p: {
  readonly issues?: readonly Pick<ProblemIssue, 'path' | 'message' | 'line' | 'column'>[];
}): ApiIssue[] {
  return (p.issues ?? []).map((i) => ({
    message: i.message,
    // Request fields arrive as "body.args.duration_seconds": the form knows them by their own name.
    path: i.path.replace(/^body\.(args\.)?/, ''),
    line: i.line,
    column: i.column,
  }));
}

/** The server's errors as the views show them: code, message, and the fields or lines they point at. */
function problemOf(e: unknown): unknown {
  if (e instanceof DoppelApiError) {
    return new ApiProblem(e.message, e.code, e.status, toIssues({ issues: e.issues }));
  }
  return e;
}

export function createDoppelApi(key: string, baseUrl?: string): DoppelApi {
  const client = new DoppelClient({ apiKey: key, ...(baseUrl === undefined ? {} : { baseUrl }) });
  // Every call goes through `call`, so a DoppelApiError always reaches the views as an ApiProblem.
  const call = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      throw problemOf(e);
    }
  };
  const sim = async (p: Promise<Simulation>): Promise<SimSummary> => toSim(await p);

  return {
    account: () => call(() => client.account()),
    listSimulations: () => call(async () => (await client.listSimulations()).map(toSim)),
    getSimulation: (id) => call(() => sim(client.getSimulation(id))),
    createSimulation: (input) =>
      call(() =>
        sim(
          client.createSimulation({
            ...(input.name === undefined ? {} : { name: input.name }),
            ...(input.example === undefined ? {} : { example: input.example }),
            ...(input.scenarioYaml === undefined ? {} : { scenario: input.scenarioYaml }),
            ...(input.seed === undefined ? {} : { seed: input.seed }),
          }),
        ),
      ),
    deleteSimulation: (id) => call(() => client.deleteSimulation(id)),
    listExamples: () => call(async () => client.examples()),
    exampleYaml: (id) => call(() => client.exampleYaml(id)),
    exampleTests: () => call(() => client.exampleTests()),
    validateScenario: (yaml) => call(async () => toIssues({ issues: (await client.validateScenario(yaml)).issues })),
    run: (id, speed) => call(() => sim(client.run(id, { speed }))),
    pause: (id) => call(() => sim(client.pause(id))),
    ack: (id) => call(() => sim(client.ack(id))),
    step: (id, s) => call(() => sim(client.step(id, s))),
    setSpeed: (id, speed) => call(() => sim(client.setSpeed(id, speed))),
    runUntil: (id, t) => call(() => sim(client.runUntil(id, t))),
    rewind: (id, t) => call(() => sim(client.rewind(id, t))),
    branch: (id, t, name, interventions) =>
      call(() =>
        sim(
          client.branch(id, t, {
            name,
            interventions: interventions.map((i) => ({ assetId: i.assetId, action: i.action, args: i.args, at: i.at })),
          }),
        ),
      ),
    assets: (id, kind) => call(async () => (await client.assets(id, kind)).map(toAsset)),
    stateAt: (id, t, kind) =>
      call(async () => (await client.state(id, { t, ...(kind === undefined ? {} : { kind }) })).assets.map(toAsset)),
    kpis: (id) => call(async () => client.kpis(id)),
    telemetry: (id) =>
      call(async () =>
        (await client.telemetry(id)).map((r): TelemetryRow => {
          const values: Record<string, number> = {};
          for (const [k, v] of Object.entries(r)) if (typeof v === 'number' && k !== 'time') values[k] = v;
          return { simTime: r.time, values };
        }),
      ),
    ledger: (id, f: LedgerFilter) =>
      call(async () =>
        client.ledger(id, {
          ...f,
          ...(f.limit === undefined ? {} : { limit: Math.min(10_000, f.limit) }),
        }),
      ),
    interventions: (id) => call(async () => client.interventions(id)),
    intervene: (id, i) =>
      call(async () =>
        client.patchAsset(id, i.kind, i.assetId, {
          ...i.args,
          action: i.action,
          ...(i.at === undefined ? {} : { at: i.at }),
        }),
      ),
    cancelIntervention: (id, interventionId) =>
      call(async () => {
        await client.cancelIntervention(id, interventionId);
      }),
    pack: (name) =>
      call(async () => {
        const p = await client.pack(name);
        return {
          name: p.name,
          title: p.title,
          kpis: p.kpis,
          assetKinds: p.assetKinds.map((k) => ({
            kind: k.kind,
            title: k.title,
            description: k.description,
            kpis: k.kpis,
            interventions: k.interventions.map((i) => ({
              name: i.name,
              description: i.description,
              // A JSON Schema document is open-ended on the wire; the form generator reads the subset it knows.
              schema: i.argsSchema as JsonSchema,
            })),
          })),
        };
      }),
    listExperiments: () => call(() => client.experiments.list()),
    createExperiment: (yaml) => call(() => client.experiments.create(yaml)),
    getExperiment: (id) => call(() => client.experiments.get(id)),
    cancelExperiment: (id) => call(() => client.experiments.cancel(id)),
    deleteExperiment: (id) => call(() => client.experiments.delete(id)),
    listTests: () => call(() => client.tests.list()),
    createTest: (yaml) => call(() => client.tests.create(yaml)),
    updateTest: (id, yaml) => call(() => client.tests.update(id, yaml)),
    deleteTest: (id) => call(() => client.tests.delete(id)),
    validateTest: (yaml) => call(() => client.tests.validate(yaml)),
    runTest: (id) => call(() => client.tests.run(id)),
    testRuns: (id) => call(() => client.tests.runs(id)),
    testRun: (runId) => call(() => client.tests.result(runId)),
    testReport: (runId, format) => call(() => client.tests.report(runId, format)),
    openTestRun: (runId, t) => call(() => sim(client.tests.open(runId, t))),
    listProjects: () => call(() => client.projects.list()),
    createProject: (name) => call(() => client.projects.create({ name })),
    projectModels: (projectId) => call(() => client.projects.models(projectId)),
    createModel: (projectId, name) => call(() => client.projects.createModel(projectId, { name })),
    getModel: (id) => call(() => client.models.get(id)),
    saveModel: (id, input) => call(() => client.models.update(id, input)),
    saveModelLayout: (id, layout) => call(() => client.models.setLayout(id, layout)),
    processCatalogue: () => call(() => client.models.catalogue()),
    startModel: (id, options) => call(() => sim(client.simulation.start(id, options))),
    pauseModelRun: (simId) => call(() => sim(client.simulation.pause(simId))),
    stepModelRun: (simId) => call(() => sim(client.simulation.step(simId))),
    listFmus: () => call(() => client.fmus.list()),
    getFmu: (id) => call(() => client.fmus.get(id)),
    uploadFmu: (file) => call(() => client.fmus.upload(file, file.name)),
    deleteFmu: (id) => call(() => client.fmus.delete(id)),
    liveFleet: () => call(() => client.twin.live()),
    forkLive: (vehicleIds) =>
      call(() => client.twin.forkLive(vehicleIds === undefined ? {} : { vehicle_ids: [...vehicleIds] })),
    listBindings: (modelId) => call(() => client.bindings.list(modelId)),
    createBinding: (modelId, input) => call(() => client.bindings.create(modelId, input)),
    replaceBinding: (modelId, bindingId, input) => call(() => client.bindings.replace(modelId, bindingId, input)),
    deleteBinding: (modelId, bindingId) => call(() => client.bindings.delete(modelId, bindingId)),
    startHil: (modelId, options) => call(() => sim(client.simulation.startHil(modelId, options))),
    hilStatus: (simId) => call(() => client.simulation.hil(simId)),
    resumeHil: (simId) => call(() => client.simulation.resumeHil(simId)),
    stopModelRun: (simId) => call(() => sim(client.simulation.stop(simId))),
    subscribe: (id, afterSeq, onMessage) => {
      const subscription = client.stream(id, {
        afterSeq,
        onEvents: (events) => onMessage({ type: 'events', events }),
        onMessage: (m) => {
          if (m.type === 'status') {
            onMessage({
              type: 'status',
              state: m.playing && m.status !== 'failed' ? 'running' : m.status,
              simTime: m.simTime,
              headSeq: m.headSeq,
            });
          } else if (m.type === 'rewind') onMessage({ type: 'rewind', t: m.t, seq: m.seq });
          else if (m.type === 'gap') onMessage({ type: 'gap', fromSeq: m.fromSeq });
        },
      });
      return () => subscription.close();
    },
  };
}
