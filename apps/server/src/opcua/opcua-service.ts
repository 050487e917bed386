import { join } from 'node:path';
import {
  TwinOpcuaServer,
  type TwinAssetModel,
  type TwinUser,
  type TwinWrite,
  type TwinWriteStatus,
} from '@doppel/bridge-opcua';
import { hasScope } from '@doppel/catalog';
import { decodeLedgerEvent, type Json, type JsonObject } from '@doppel/twin';
import { applyStatePatch } from '@doppel/twin/state-patch';
import type { ServerContext } from '../context.js';
import { kindFields, type KindFields } from './asset-fields.js';

export interface OpcuaServiceOptions {
  readonly port: number;
  readonly host: string;
  /** node-opcua's own messages (warnings) go here. */
  readonly log: (line: string) => void;
  /** What the service itself reports (a simulation it cannot serve). */
  readonly warn: (line: string) => void;
}

/** How often the live simulations are compared with those in the address space (loaded, unloaded). */
const SYNC_MS = 500;

interface Served {
  readonly owner: string;
  readonly kinds: ReadonlyMap<string, KindFields>;
  readonly kindOf: ReadonlyMap<string, string>;
  /** Each asset's state, folded from the ledger records the worker fans out. */
  readonly states: Map<string, JsonObject>;
}

/** Refusals of the twin's validation (a value the intervention's schema does not take, or at a bad time). */
const TYPE_REFUSALS = new Set(['DOPPEL_ERR_INVALID_ARGUMENTS', 'DOPPEL_ERR_VALIDATION', 'DOPPEL_ERR_UNKNOWN_ACTION']);
const STATE_REFUSALS = new Set([
  'DOPPEL_ERR_INTERVENTION_REJECTED',
  'DOPPEL_ERR_INTERVENTION_IN_PAST',
  'DOPPEL_ERR_TIME_OUT_OF_RANGE',
  'DOPPEL_ERR_SIMULATION_FINISHED',
  'DOPPEL_ERR_SIMULATION_FAILED',
  'DOPPEL_ERR_INVALID_STATE',
]);

/**
 * Serves the server's live simulations over OPC UA (`doppel serve --opcua-port N`): every simulation with a running
 * worker appears in its own namespace, its variables follow the ledger records the worker fans out, and a client's
 * write becomes an intervention with origin `opcua`, through the same worker call as the REST PATCH.
 */
export class OpcuaService {
  private readonly served = new Map<string, Served>();
  private readonly adding = new Set<string>();
  /** Simulations whose address space could not be built: not tried again until they reload. */
  private readonly failed = new Set<string>();
  private readonly unlisten: () => void;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly ctx: ServerContext,
    private readonly server: TwinOpcuaServer,
    private readonly log: (line: string) => void,
  ) {
    this.unlisten = ctx.manager.listen((simId, message) => {
      if (message.type === 'ledger') this.follow(simId, message.texts);
      else if (message.type === 'rewind') this.refresh(simId);
    });
    ctx.manager.onDelete((simId) => this.drop(simId));
    this.timer = setInterval(() => this.sync(), SYNC_MS);
    this.timer.unref();
    this.sync();
  }

  static async start(ctx: ServerContext, options: OpcuaServiceOptions): Promise<OpcuaService> {
    let service: OpcuaService | null = null;
    const server = await TwinOpcuaServer.start({
      port: options.port,
      host: options.host,
      pkiFolder: join(ctx.config.dataDir, 'opcua'),
      log: options.log,
      authenticate: (userName, password) => authenticate(ctx, userName, password),
      write: (request) => (service === null ? Promise.resolve('BadInvalidState') : service.write(request)),
    });
    service = new OpcuaService(ctx, server, options.warn);
    return service;
  }

  get endpointUrl(): string {
    return this.server.endpointUrl;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.unlisten();
    await this.server.stop();
  }

  private sync(): void {
    const live = new Set(this.ctx.manager.liveIds());
    for (const simId of this.served.keys()) if (!live.has(simId)) this.drop(simId);
    for (const simId of this.failed) if (!live.has(simId)) this.failed.delete(simId);
    for (const simId of live) {
      if (!this.served.has(simId) && !this.failed.has(simId) && !this.ctx.manager.isRestoring(simId)) this.add(simId);
    }
  }

  private refresh(simId: string): void {
    this.drop(simId);
    this.add(simId);
  }

  private drop(simId: string): void {
    this.served.delete(simId);
    this.server.removeSimulation(simId);
  }

  private add(simId: string): void {
    if (this.adding.has(simId)) return;
    this.adding.add(simId);
    void this.model(simId)
      .then(
        (model) => {
          if (model === null || !this.ctx.manager.isLoaded(simId)) return;
          this.server.addSimulation(model.simulation);
          this.served.set(simId, model.served);
        },
        () => undefined, // unloaded or failed meanwhile: the next sync tries again if it is live
      )
      .catch((error: unknown) => {
        this.failed.add(simId);
        this.log(`simulation ${simId} could not be served over OPC UA: ${String(error)}`);
      })
      .finally(() => this.adding.delete(simId));
  }

  private async model(simId: string) {
    const row = await this.ctx.catalog.simulation(simId);
    if (row === null || !this.ctx.manager.packs.has(row.pack)) return null;
    // The state at the live head: ledger records the worker posted before this answer are in it, later ones follow.
    const assets = await this.ctx.manager.simulation(simId).assets(undefined, true);
    const description = this.ctx.manager.packs.describe(row.pack);
    const kinds = new Map<string, KindFields>();
    for (const kind of description.assetKinds) kinds.set(kind.kind, kindFields(kind));
    const served: Served = { owner: row.account_id, kinds, kindOf: new Map(), states: new Map() };
    const models: TwinAssetModel[] = [];
    const states: Record<string, JsonObject> = {};
    for (const asset of assets) {
      const fields = kinds.get(asset.kind)?.fields ?? [];
      (served.kindOf as Map<string, string>).set(asset.id, asset.kind);
      served.states.set(asset.id, { ...asset.state });
      states[asset.id] = asset.state;
      models.push({ id: asset.id, kind: asset.kind, fields });
    }
    return { served, simulation: { simId, name: row.name, owner: row.account_id, assets: models, states } };
  }

  private follow(simId: string, texts: readonly string[]): void {
    const served = this.served.get(simId);
    if (served === undefined) return;
    for (const text of texts) {
      const record = decodeLedgerEvent(text);
      if (record.newValue === null) continue;
      const before = served.states.get(record.assetId);
      if (before === undefined) continue;
      const after = applyStatePatch(before, record.newValue);
      served.states.set(record.assetId, after);
      const changed: Record<string, Json> = {};
      for (const key of Object.keys(record.newValue)) {
        const field = key.startsWith('/') ? decodePointerHead(key) : key;
        changed[field] = after[field] as Json;
      }
      this.server.update(simId, record.assetId, changed);
    }
  }

  private async write(request: TwinWrite): Promise<TwinWriteStatus> {
    const served = this.served.get(request.simId);
    const kind = served?.kindOf.get(request.assetId);
    if (served === undefined || kind === undefined) return 'BadNodeIdUnknown';
    if (request.user.accountId !== served.owner || !request.user.canWrite) return 'BadUserAccessDenied';
    const write = served.kinds.get(kind)?.writes.get(request.field);
    if (write === undefined) return 'BadUserAccessDenied';
    const value = request.value;
    if (typeof value === 'object' && value !== null) return 'BadTypeMismatch';
    try {
      const record = await this.ctx.manager
        .simulation(request.simId)
        .intervene(
          { assetId: request.assetId, action: write.action, args: { [write.arg]: value }, origin: 'opcua' },
          kind,
        );
      return record.status === 'FAILED' ? 'BadInvalidState' : 'Good';
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string' && TYPE_REFUSALS.has(code)) return 'BadTypeMismatch';
      if (typeof code === 'string' && STATE_REFUSALS.has(code)) return 'BadInvalidState';
      return 'BadInternalError';
    }
  }
}

/** `/chargers/2/state` → `chargers`. */
function decodePointerHead(pointer: string): string {
  const head = pointer.slice(1).split('/')[0] ?? '';
  return head.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** User name: the account's name; password: one of its API keys. Keys with the write scope may write. */
async function authenticate(ctx: ServerContext, userName: string, password: string): Promise<TwinUser | null> {
  const principal = await ctx.catalog.authenticate(password);
  if (principal === null || principal.account.name !== userName) return null;
  return { accountId: principal.account.id, canWrite: hasScope(principal.scopes, 'write') };
}
