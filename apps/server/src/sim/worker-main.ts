import { existsSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteLedgerStore } from '@doppel/store-sqlite';
import {
  resolvedScenarioFromSnapshot,
  Simulation,
  TwinError,
  TwinErrorCode,
  type Asset,
  type InterventionLogEntry,
  type JsonObject,
  type SimulationStatus,
  type StopInfo,
} from '@doppel/twin';
import { toErrorPayload } from '../errors.js';
import { loadPacks } from '../packs.js';
import { CoalescingLedgerStore } from './coalescing-store.js';
import { InterventionJournal } from './journal.js';
import { Outbox } from './outbox.js';
import { PastStates, stateJson } from './past-states.js';
import {
  interventionJournalPath,
  type AssetView,
  type SimInfo,
  type WorkerInit,
  type WorkerMessage,
  type WorkerOps,
  type WorkerRequest,
} from './protocol.js';

/**
 * One simulation in its own thread: the session, its SQLite ledger file, and a loop that answers the host's
 * requests between slices of a paced run. A heartbeat tells the host the thread is alive.
 */
if (parentPort === null) throw new Error('worker-main runs in a worker thread');
const port = parentPort;
const init = workerData as WorkerInit;

let sim: Simulation;
let store: CoalescingLedgerStore;
let speed: number | null = null;
let playRun: Promise<StopInfo> | null = null;
let runStartEvents = 0;
let overBudget = false;
let failedMessage: string | null = null;
/** Bumped by each rewind: a live view of an older timeline is never served. */
let rewinds = 0;
/** Ledger appends wait this long for others to join them (one transaction for a burst of interventions). */
const LEDGER_WRITE_DELAY_MS = 20;
let liveView: { key: string; assets: AssetView[] } | null = null;
let liveJson: { key: string; json: string } | null = null;
/** This thread among every worker this simulation had: versions of its live view are never mistaken for another's. */
const thread = randomBytes(6).toString('hex');
/** The last ledger seq handed over and the interventions so far: with the event count, when a live view is stale. */
let ledgerSeq = 0;
let changes = 0;
const past = new PastStates(
  () => sim,
  () => store,
);
const outbox = new Outbox(
  (message) => port.postMessage(message),
  () => syncJournal(),
  toErrorPayload,
);
const post = (message: WorkerMessage): void => outbox.post(message);

/**
 * The intervention log is the input that re-creates the run: every entry reaches this journal (next to the ledger
 * file) before it takes effect, and is synced before the request that made it is answered, so a crashed server
 * restores the simulation with every acknowledged intervention and nothing refused.
 */
const journalFile = new InterventionJournal(interventionJournalPath(init.ledgerPath));
/** Why the simulation's storage last failed (shown as its error until a write succeeds again). */
let storageFailure: string | null = null;

function appendToJournal(entry: InterventionLogEntry): void {
  try {
    journalFile.append(entry);
  } catch (error) {
    storageFailure = error instanceof Error ? error.message : String(error);
    throw error;
  }
  storageFailure = null;
}

function syncJournal(): void {
  try {
    journalFile.sync();
  } catch (error) {
    storageFailure = error instanceof Error ? error.message : String(error);
    throw error;
  }
}

function info(): SimInfo {
  const head = sim.head();
  return {
    status: failedMessage !== null ? 'failed' : sim.status,
    now: sim.now,
    headSeq: head.seq,
    headHash: head.hash,
    speed,
    playing: sim.playing,
    eventsProcessed: sim.eventsProcessed,
    breakpoint: sim.breakpointHit,
    debug: sim.debug,
    error: failedMessage ?? sim.error?.message ?? storageFailure,
  };
}

function view(asset: Asset<JsonObject, unknown>, detail: boolean): AssetView {
  if (!detail) return { id: asset.id, kind: asset.kind, state: asset.state };
  return {
    id: asset.id,
    kind: asset.kind,
    state: asset.state,
    status: sim.assetStatus(asset.id),
    kpis: sim.assetKpis(asset.id),
  };
}

/** What the live view depends on: the timeline, events processed, records and interventions since. */
function liveKey(kind: string | undefined): string {
  return `${thread}|${rewinds}|${sim.eventsProcessed}|${ledgerSeq}|${changes}|${kind ?? ''}`;
}

/** Stops a run that processed more events than one run may (a model stuck scheduling events at one instant). */
function checkBudget(): void {
  if (sim.playing && sim.eventsProcessed - runStartEvents > init.maxEventsPerRun) {
    overBudget = true;
    sim.pause();
  }
}

function failOnBudget(): void {
  if (!overBudget) return;
  overBudget = false;
  failedMessage = `The run exceeded ${init.maxEventsPerRun} engine events (max events per run) at ${sim.now} s`;
  post({ type: 'failed', error: { code: TwinErrorCode.SimulationFailed, message: failedMessage }, info: info() });
}

/**
 * Runs paced at `factor`, or (null) as fast as possible. Only a paced run sets the speed a resume goes on at: a
 * run-until, a step or a re-execution leaves it as it was.
 */
async function play(factor: number | null, until?: number): Promise<StopInfo> {
  assertNotAwaitingAck(); // a refused run keeps the continuation of the paused one
  runStartEvents = sim.eventsProcessed;
  if (factor !== null) speed = factor;
  debugContinuation = null;
  const run = sim.play({ factor: factor ?? Infinity, until, sliceEvents: init.sliceEvents });
  playRun = run;
  try {
    const stop = await run;
    // Debug mode ended a chunk: the acknowledgement continues this run towards its target.
    if (stop.reason === 'debug') debugContinuation = { factor, until };
    return stop;
  } finally {
    if (playRun === run) playRun = null;
    failOnBudget();
    // A finished run command leaves its ledger written, not waiting for the next read.
    void store.drain();
  }
}

/** Stops a paced run and waits for it to settle. */
async function stopPlaying(): Promise<void> {
  const run = playRun;
  if (run === null) return;
  sim.pause();
  await run.catch(() => undefined);
}

/** The run a debug pause interrupted, continued by the acknowledgement (POST …/ack). */
let debugContinuation: { readonly factor: number | null; readonly until: number | undefined } | null = null;

function assertNotAwaitingAck(): void {
  if (sim.debug?.awaitingAck !== true) return;
  throw new TwinError(
    TwinErrorCode.AwaitingAck,
    `Simulation ${sim.id} is paused by debug mode at ${sim.now} s: acknowledge (POST /api/v1/simulations/${sim.id}/ack) to continue`,
    { simId: sim.id, pausedAt: sim.now },
  );
}

function assertAlive(): void {
  if (failedMessage !== null) {
    throw new TwinError(TwinErrorCode.SimulationFailed, `Simulation ${sim.id} has failed: ${failedMessage}`);
  }
}

type Handler<K extends keyof WorkerOps> = (
  args: WorkerOps[K]['args'],
) => Promise<WorkerOps[K]['result']> | WorkerOps[K]['result'];

const handlers: { [K in keyof WorkerOps]: Handler<K> } = {
  info: () => info(),
  play: ({ factor, until, debug }) => {
    assertAlive();
    if (debug !== undefined) sim.setDebugMode(debug);
    if (sim.playing) {
      sim.setSpeed(factor ?? Infinity);
      speed = factor;
      return info();
    }
    if (sim.status === 'finished') {
      throw new TwinError(TwinErrorCode.SimulationFinished, `Simulation ${sim.id} has finished`, { simId: sim.id });
    }
    if (until !== undefined && until < sim.now) {
      throw new TwinError(TwinErrorCode.TimeOutOfRange, `Cannot run until ${until} s: now is ${sim.now} s`, {
        field: 'until',
      });
    }
    assertNotAwaitingAck();
    // The reply goes first; the run then goes on by itself (a model that fails in its first slice is reported
    // through the status stream, not as this request's error).
    speed = factor;
    setImmediate(() => void play(factor, until).catch(() => undefined));
    return { ...info(), playing: true, status: 'running' };
  },
  runUntil: async ({ t }) => {
    assertAlive();
    await stopPlaying();
    return play(null, t);
  },
  step: async (args) => {
    assertAlive();
    await stopPlaying();
    if ('dt' in args) return play(null, Math.min(sim.now + args.dt, sim.horizon));
    // Event steps go in chunks so the thread keeps answering (and beating) during a long step.
    let remaining = Math.min(args.events, init.maxEventsPerRun);
    let stop = sim.step({ events: Math.min(remaining, init.sliceEvents) });
    remaining -= init.sliceEvents;
    while (remaining > 0 && stop.reason === 'events') {
      await new Promise<void>((resolve) => setImmediate(resolve));
      stop = sim.step({ events: Math.min(remaining, init.sliceEvents) });
      remaining -= init.sliceEvents;
    }
    return stop;
  },
  pause: async () => {
    await stopPlaying();
    debugContinuation = null;
    return info();
  },
  ack: () => {
    assertAlive();
    sim.acknowledge('api');
    const next = debugContinuation;
    debugContinuation = null;
    // As for play: the reply goes first, the next chunk runs by itself.
    if (next !== null) setImmediate(() => void play(next.factor, next.until).catch(() => undefined));
    return next !== null ? { ...info(), playing: true, status: 'running' } : info();
  },
  setSpeed: ({ factor }) => {
    speed = factor;
    if (sim.playing) sim.setSpeed(factor ?? Infinity);
    return info();
  },
  intervene: ({ request, kind }) => {
    assertAlive();
    // The path names the kind (…/assets/station/s4): an asset of another kind does not exist there.
    if (kind !== undefined && sim.asset(request.assetId).kind !== kind) {
      throw new TwinError(TwinErrorCode.UnknownAsset, `No ${kind} "${request.assetId}"`, { assetId: request.assetId });
    }
    const record = sim.intervene(request);
    changes++;
    // Journaled before the reply leaves, once for every intervention of this turn of the loop.
    outbox.journalBeforeSending();
    return record;
  },
  cancelIntervention: ({ id }) => {
    const record = sim.cancelIntervention(id, 'api');
    changes++;
    outbox.journalBeforeSending();
    return record;
  },
  interventions: () => sim.interventions(),
  intervention: ({ id }) => sim.intervention(id),
  interventionLog: ({ upTo }) =>
    sim.interventionLog().filter((entry) => upTo === undefined || (entry.submittedAt ?? 0) <= upTo),
  addBreakpoint: ({ expression }) => sim.addBreakpoint(expression),
  removeBreakpoint: ({ id }) => {
    sim.removeBreakpoint(id);
    return null;
  },
  breakpoints: () => sim.breakpoints(),
  asset: ({ id }) => view(sim.asset(id), true),
  assets: ({ kind, detail }) => {
    if (!detail) return sim.assets(kind).map((asset) => view(asset, false));
    // Status colours and KPIs only change when events are processed: repeated reads of a paused head are free.
    const key = liveKey(kind);
    if (liveView?.key !== key) liveView = { key, assets: sim.assets(kind).map((asset) => view(asset, true)) };
    return liveView.assets;
  },
  liveState: ({ kind, have }) => {
    // The live head as response JSON, built once per change of the head; the host keeps the bytes of the version
    // it was last sent, so a repeated read of an unchanged head sends no text.
    const key = liveKey(kind);
    if (have === key) return { version: key, json: null };
    if (liveJson?.key !== key) {
      const views = liveView?.key === key ? liveView.assets : sim.assets(kind).map((asset) => view(asset, true));
      liveView = { key, assets: views };
      liveJson = { key, json: stateJson(sim.now, views) };
    }
    return { version: key, json: liveJson.json };
  },
  stateAt: async ({ t, kind }) => {
    if (typeof t !== 'number' || !(t >= 0) || t > sim.now) {
      throw new TwinError(TwinErrorCode.TimeOutOfRange, `Time ${t} s is outside [0, ${sim.now}] s`, {
        field: 't',
        t,
        now: sim.now,
      });
    }
    if (t === sim.now) {
      // The head itself: the live verdict and KPIs, which a past read of the same instant would give too.
      const assets = sim.assets(kind).map((asset) => view(asset, true));
      return Buffer.from(stateJson(t, assets), 'utf8');
    }
    // The past does not change until a rewind: see PastStates.
    return past.json(t, kind);
  },
  kpis: () => ({ simTime: sim.now, values: sim.kpis() }),
  telemetry: ({ fromTime }) => sim.telemetry().filter((row) => fromTime === undefined || row.time >= fromTime),
  summary: () => sim.summary(),
  ledger: async ({ query }) => {
    void store.drain();
    await sim.flush();
    return store.query({ ...query, simId: sim.id });
  },
  rewind: async ({ t }) => {
    await stopPlaying();
    grace(120_000);
    failedMessage = null;
    rewinds++;
    debugContinuation = null;
    past.clear();
    void store.drain();
    await sim.rewind(t);
    journalFile.rewrite(sim.interventionLog());
    return info();
  },
  flush: async () => {
    void store.drain();
    await sim.flush();
    return info();
  },
  shutdown: async () => {
    await stopPlaying();
    void store.drain();
    await sim.flush().catch(() => undefined);
    const last = info();
    await store.close();
    return last;
  },
};

/** Tells the host a long synchronous piece of work (re-execution) is coming, so the watchdog waits longer. */
function grace(ms: number): void {
  post({ type: 'heartbeat', info: info(), graceMs: ms });
}

/** Replies that change or report the run carry fresh facts; reads and interventions stay cheap. */
const CONTROL_OPS: ReadonlySet<string> = new Set([
  'info',
  'play',
  'ack',
  'runUntil',
  'step',
  'pause',
  'setSpeed',
  'rewind',
  'flush',
  'shutdown',
]);

async function handle(request: WorkerRequest): Promise<void> {
  const control = CONTROL_OPS.has(request.op);
  try {
    const handler = handlers[request.op] as Handler<keyof WorkerOps>;
    const value = await handler(request.args as never);
    const journaled = request.op === 'intervene' || request.op === 'cancelIntervention';
    outbox.post({ type: 'reply', id: request.id, ok: true, value, info: control ? info() : null }, journaled);
  } catch (error) {
    post({ type: 'reply', id: request.id, ok: false, error: toErrorPayload(error), info: control ? info() : null });
  }
}

async function start(): Promise<void> {
  const registry = await loadPacks(init.packModules);
  const scenario = resolvedScenarioFromSnapshot(JSON.parse(init.scenarioJson), `simulation ${init.simId}`);
  // The ledger is derived data: a reloaded simulation regenerates it from (scenario, seed, log).
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(init.ledgerPath + suffix)) rmSync(init.ledgerPath + suffix);
  }
  const sqlite = SqliteLedgerStore.open(init.ledgerPath);
  store = new CoalescingLedgerStore(sqlite, { delayMs: LEDGER_WRITE_DELAY_MS });
  // A journal left by an earlier run of this simulation is newer than the catalog's copy of the log.
  const journaled = journalFile.open();
  const log = journaled ?? init.log;
  sim = await Simulation.create({
    scenario,
    packs: registry,
    seed: init.seed,
    simId: init.simId,
    name: init.name,
    store,
    interventionLog: log,
    journal: appendToJournal,
    parent: init.parent,
    createdAt: init.createdAt,
  });
  if (journaled === undefined) {
    try {
      journalFile.rewrite(sim.interventionLog());
    } catch (error) {
      // Reads still work; interventions are refused (with the cause) until the journal can be written.
      storageFailure = error instanceof Error ? error.message : String(error);
    }
  }
  sim.subscribe((records) => {
    if (records.length > 0) ledgerSeq = records[records.length - 1].seq;
    past.ingest(records);
    post({ type: 'ledger', records });
  });
  sim.on('telemetry', (row) => post({ type: 'telemetry', row, seq: sim.head().seq }));
  sim.on('intervention', (record) => post({ type: 'intervention', record }));
  sim.on('rewind', ({ t, seq }) => {
    past.clear();
    post({ type: 'rewind', t, seq });
  });
  sim.on('status', ({ previous }: { previous: SimulationStatus }) => post({ type: 'status', info: info(), previous }));
  // Every acknowledged intervention was submitted at or before the head it is re-executed to.
  const runTo = Math.max(init.runTo ?? 0, ...(log ?? []).map((entry) => entry.submittedAt ?? 0));
  if (runTo > 0) await play(null, Math.min(runTo, sim.horizon));
  // The restored simulation resumes at the pace it had.
  speed = init.speed ?? null;
  if (init.failed !== undefined) failedMessage = init.failed;
  await sim.flush();
}

setInterval(() => {
  if (sim === undefined) return;
  checkBudget();
  post({ type: 'heartbeat', info: info() });
}, init.heartbeatMs).unref();

start().then(
  () => {
    port.on('message', (requests: WorkerRequest | readonly WorkerRequest[]) => {
      if (!Array.isArray(requests)) return void handle(requests as WorkerRequest);
      for (const request of requests as readonly WorkerRequest[]) void handle(request);
    });
    post({ type: 'ready', info: info() });
  },
  (error: unknown) => post({ type: 'init-failed', error: toErrorPayload(error) }),
);
