/**
 * The views' API over the Doppel server: maps the server's answers onto the view types (types.ts) and its
 * problem+json errors onto ApiProblem (code, message, located issues).
 */
import type { DoppelApi, LedgerFilter } from './api.js';
import {
  ApiProblem,
  type ApiIssue,
  type AssetView,
  type ExampleScenario,
  type InterventionView,
  type LedgerEvent,
  type NetworkKpis,
  type PackInfo,
  type RunState,
  type SimSummary,
  type StreamMessage,
  type TelemetryRow,
} from './types.js';
import { isAssetStatus } from '../lib/scales.js';
import type { JsonSchema } from '../lib/schema-form.js';

interface WireSimulation {
  readonly id: string;
  readonly name: string;
  readonly pack: string;
  readonly status: RunState;
  readonly simTime: number;
  readonly durationS: number;
  readonly speed: number | null;
  readonly playing: boolean;
  readonly startIso: string;
  readonly timezone: string;
  readonly parentId: string | null;
  readonly forkTime: number | null;
  readonly headSeq: number;
  readonly createdAt: string;
  readonly error?: string | null;
}

interface WireAsset {
  readonly id: string;
  readonly kind: string;
  readonly state: AssetView['state'];
  readonly status?: string;
  readonly kpis?: Record<string, number>;
}

interface WireProblem {
  readonly title?: string;
  readonly detail?: string;
  readonly code?: string;
  readonly status?: number;
  readonly issues?: readonly { path?: string; message: string; line?: number; column?: number }[];
}

interface WirePack {
  readonly name: string;
  readonly title: string;
  readonly kpis: PackInfo['kpis'];
  readonly assetKinds: readonly {
    readonly kind: string;
    readonly title: string;
    readonly description: string;
    readonly kpis: PackInfo['kpis'];
    readonly interventions: readonly { name: string; description: string; argsSchema: JsonSchema }[];
  }[];
}

export function toSim(w: WireSimulation): SimSummary {
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
  };
}

function toAsset(w: WireAsset): AssetView {
  return {
    id: w.id,
    kind: w.kind,
    state: w.state,
    status: isAssetStatus(w.status) ? w.status : undefined,
    kpis: w.kpis,
  };
}

export function toIssues(p: WireProblem): ApiIssue[] {
  return (p.issues ?? []).map((i) => ({
    message: i.message,
    // Request fields arrive as "body.args.duration_seconds": the form knows them by their own name.
    path: i.path?.replace(/^body\.(args\.)?/, ''),
    line: i.line,
    column: i.column,
  }));
}

export function createDoppelApi(key: string, baseUrl = ''): DoppelApi {
  const http = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw new ApiProblem(
        `The server cannot be reached (${e instanceof Error ? e.message : String(e)})`,
        'DOPPEL_ERR_NETWORK',
        0,
      );
    }
    const text = await response.text();
    if (!response.ok) {
      let p: WireProblem = {};
      try {
        p = JSON.parse(text) as WireProblem;
      } catch {
        // Not problem+json (a proxy's page): keep the status line.
      }
      throw new ApiProblem(
        p.detail ?? p.title ?? `${response.status} ${response.statusText}`,
        p.code ?? `HTTP_${response.status}`,
        response.status,
        toIssues(p),
      );
    }
    if (text === '') return undefined as T;
    const type = response.headers.get('content-type') ?? '';
    return (type.includes('json') ? JSON.parse(text) : text) as T;
  };
  const sims = `/api/v1/simulations`;
  const sim = (id: string): string => `${sims}/${encodeURIComponent(id)}`;
  const control = async (id: string, op: string, body: unknown = {}): Promise<SimSummary> =>
    toSim(await http<WireSimulation>('POST', `${sim(id)}/${op}`, body));

  return {
    account: () => http('GET', '/api/v1/account'),
    listSimulations: async () => (await http<WireSimulation[]>('GET', sims)).map(toSim),
    getSimulation: async (id) => toSim(await http<WireSimulation>('GET', sim(id))),
    createSimulation: async (input) =>
      toSim(
        await http<WireSimulation>('POST', sims, {
          name: input.name,
          example: input.example,
          scenario: input.scenarioYaml,
          seed: input.seed,
        }),
      ),
    deleteSimulation: async (id) => {
      await http('DELETE', sim(id));
    },
    listExamples: async () => http<ExampleScenario[]>('GET', '/api/v1/examples'),
    exampleYaml: (id) => http<string>('GET', `/api/v1/examples/${encodeURIComponent(id)}`),
    validateScenario: async (yaml) => {
      const r = await http<{ valid: boolean; issues: WireProblem['issues'] }>('POST', '/api/v1/scenarios/validate', {
        scenario: yaml,
      });
      return toIssues({ issues: r.issues });
    },
    run: (id, speed) => control(id, 'run', { speed }),
    pause: (id) => control(id, 'pause'),
    step: (id, s) => control(id, 'step', s),
    setSpeed: (id, speed) => control(id, 'speed', { speed }),
    runUntil: (id, t) => control(id, 'run-until', { t }),
    rewind: (id, t) => control(id, 'rewind', { t }),
    branch: async (id, t, name, interventions) =>
      toSim(
        await http<WireSimulation>('POST', `${sim(id)}/branch`, {
          t,
          name,
          interventions: interventions.map((i) => ({ assetId: i.assetId, action: i.action, args: i.args, at: i.at })),
        }),
      ),
    assets: async (id, kind) =>
      (
        await http<WireAsset[]>(
          'GET',
          `${sim(id)}/assets${kind === undefined ? '' : `?kind=${encodeURIComponent(kind)}`}`,
        )
      ).map(toAsset),
    stateAt: async (id, t, kind) => {
      const q = new URLSearchParams({ t: String(t) });
      if (kind !== undefined) q.set('kind', kind);
      return (await http<{ assets: WireAsset[] }>('GET', `${sim(id)}/state?${q.toString()}`)).assets.map(toAsset);
    },
    kpis: (id) => http<NetworkKpis>('GET', `${sim(id)}/kpis`),
    telemetry: async (id) => {
      const rows = await http<Record<string, unknown>[]>('GET', `${sim(id)}/telemetry`);
      return rows.map((r): TelemetryRow => {
        const values: Record<string, number> = {};
        for (const [k, v] of Object.entries(r)) if (typeof v === 'number' && k !== 'time') values[k] = v;
        return { simTime: Number(r.time), values };
      });
    },
    ledger: (id, f: LedgerFilter) => {
      const q = new URLSearchParams();
      if (f.assetId !== undefined) q.set('assetId', f.assetId);
      if (f.eventTypes !== undefined) q.set('eventType', f.eventTypes.join(','));
      if (f.fromTime !== undefined) q.set('fromTime', String(f.fromTime));
      if (f.toTime !== undefined) q.set('toTime', String(f.toTime));
      if (f.afterSeq !== undefined) q.set('afterSeq', String(f.afterSeq));
      if (f.limit !== undefined) q.set('limit', String(Math.min(10_000, f.limit)));
      if (f.order !== undefined) q.set('order', f.order);
      return http<LedgerEvent[]>('GET', `${sim(id)}/ledger?${q.toString()}`);
    },
    interventions: (id) => http<InterventionView[]>('GET', `${sim(id)}/interventions`),
    intervene: (id, i) =>
      http<InterventionView>(
        'PATCH',
        `${sim(id)}/assets/${encodeURIComponent(i.kind)}/${encodeURIComponent(i.assetId)}`,
        {
          action: i.action,
          ...(i.at === undefined ? {} : { at: i.at }),
          ...i.args,
        },
      ),
    cancelIntervention: async (id, interventionId) => {
      await http('DELETE', `${sim(id)}/interventions/${encodeURIComponent(interventionId)}`);
    },
    pack: async (name) => {
      const p = await http<WirePack>('GET', `/api/v1/packs/${encodeURIComponent(name)}`);
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
            schema: i.argsSchema,
          })),
        })),
      };
    },
    subscribe: (id, afterSeq, onMessage) => subscribeStream(baseUrl, key, id, afterSeq, onMessage),
  };
}

/** The simulation's WebSocket, reconnecting with the last seq received (the server replays what was missed). */
function subscribeStream(
  baseUrl: string,
  key: string,
  simId: string,
  afterSeq: number,
  onMessage: (m: StreamMessage) => void,
): () => void {
  let closed = false;
  let lastSeq = afterSeq;
  let socket: WebSocket | null = null;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let delay = 500;
  const open = (): void => {
    const base = baseUrl === '' ? window.location.href : baseUrl;
    const url = new URL(`/api/v1/simulations/${encodeURIComponent(simId)}/stream?afterSeq=${lastSeq}`, base);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.hash = '';
    socket = new WebSocket(url.toString(), ['doppel', `doppel-key.${key}`]);
    socket.onopen = () => {
      delay = 500;
    };
    socket.onmessage = (e) => {
      let m: { type?: string; [k: string]: unknown };
      try {
        m = JSON.parse(String(e.data)) as typeof m;
      } catch {
        return;
      }
      if (m.type === 'events' && Array.isArray(m.events)) {
        const events = m.events as LedgerEvent[];
        if (events.length > 0) lastSeq = events[events.length - 1].seq;
        onMessage({ type: 'events', events });
      } else if (m.type === 'status') {
        onMessage({
          type: 'status',
          state: (m.playing === true ? 'running' : m.status) as RunState,
          simTime: Number(m.simTime),
          headSeq: Number(m.headSeq),
        });
      } else if (m.type === 'rewind') {
        lastSeq = Number(m.seq);
        onMessage({ type: 'rewind', t: Number(m.t), seq: Number(m.seq) });
      } else if (m.type === 'gap') {
        onMessage({ type: 'gap', fromSeq: Number(m.fromSeq) });
      }
    };
    socket.onclose = () => {
      socket = null;
      if (closed) return;
      retry = setTimeout(open, delay);
      delay = Math.min(10_000, delay * 2);
    };
  };
  open();
  return () => {
    closed = true;
    if (retry !== undefined) clearTimeout(retry);
    const s = socket;
    if (s === null) return;
    // Closing a socket still connecting makes the browser warn: close it as soon as it opens instead.
    if (s.readyState === WebSocket.CONNECTING) s.onopen = () => s.close();
    else s.close();
  };
}
