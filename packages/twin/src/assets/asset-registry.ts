import type { Environment, RandomStream } from '@doppel/engine';
import type { Asset, AssetKindDefinition, TwinModel } from '../contracts/assets.js';
import type { Json, JsonObject } from '../contracts/json.js';
import { ASSET_CREATED, type LedgerEvent, type LedgerOrigin } from '../contracts/ledger.js';
import { childPointer, diffValue, isPointerKey } from '../contracts/state-patch.js';
import { TwinError, TwinErrorCode } from '../errors.js';

/** Where the registry sends ledger events: a `LedgerWriter`, or anything with the same `append`. */
export interface LedgerSink {
  append(
    simTime: number,
    assetId: string,
    eventType: string,
    oldValue: JsonObject | null,
    newValue: JsonObject | null,
    meta: JsonObject | null,
    origin: LedgerOrigin,
  ): LedgerEvent | void;
}

export interface AssetRegistryOptions {
  readonly env: Environment;
  readonly ledger: LedgerSink;
  /** The asset kinds of the simulation's pack. */
  readonly kinds: readonly AssetKindDefinition[];
  /**
   * Validate every state update against the kind's schema (tests, debugging). Off in production: the hot path
   * then only compares the changed fields.
   */
  readonly validateUpdates?: boolean;
  /** Validate created states against the kind's schema (default true; a re-execution of a validated run skips it). */
  readonly validateCreates?: boolean;
}

/** The live asset object: `state` is replaced on each update, so a state read earlier stays a valid snapshot. */
class AssetEntry<S extends JsonObject, R> implements Asset<S, R> {
  state: Readonly<S>;
  constructor(
    /** The registry that owns it: checked on every update instead of a map lookup. */
    readonly owner: AssetRegistry,
    readonly id: string,
    readonly kind: string,
    state: S,
    readonly runtime: R,
  ) {
    this.state = state;
  }
}

/**
 * The Virtual Asset Manager: holds every asset of one simulation and is the single path through which their state
 * changes, so that each change is exactly one ledger event. Implements the {@link TwinModel} packs build on.
 */
export class AssetRegistry implements TwinModel {
  readonly env: Environment;
  private readonly ledger: LedgerSink;
  private readonly kinds = new Map<string, AssetKindDefinition>();
  private readonly byId = new Map<string, AssetEntry<JsonObject, unknown>>();
  private readonly byKind = new Map<string, AssetEntry<JsonObject, unknown>[]>();
  private readonly validateUpdates: boolean;
  private readonly validateCreates: boolean;
  private currentOrigin: LedgerOrigin = 'sim';
  private changeCount = 0;

  constructor(options: AssetRegistryOptions) {
    this.env = options.env;
    this.ledger = options.ledger;
    this.validateUpdates = options.validateUpdates ?? false;
    this.validateCreates = options.validateCreates ?? true;
    for (const kind of options.kinds) {
      this.kinds.set(kind.kind, kind);
      this.byKind.set(kind.kind, []);
    }
  }

  get origin(): LedgerOrigin {
    return this.currentOrigin;
  }

  /** Number of assets. */
  get size(): number {
    return this.byId.size;
  }

  /** Number of state changes so far (creations and updates): breakpoints re-evaluate only when it moved. */
  get changes(): number {
    return this.changeCount;
  }

  rng(name: string): RandomStream {
    return this.env.rng(name);
  }

  createAsset<S extends JsonObject, R = undefined>(kind: string, id: string, state: S, runtime?: R): Asset<S, R> {
    const definition = this.kinds.get(kind);
    if (definition === undefined) {
      throw new TwinError(TwinErrorCode.InvalidArguments, `Unknown asset kind "${kind}" for asset "${id}"`, {
        kind,
        expected: [...this.kinds.keys()],
      });
    }
    if (typeof id !== 'string' || id.length === 0) {
      throw new TwinError(TwinErrorCode.InvalidArguments, `Asset ids must be non-empty strings, got ${String(id)}`);
    }
    if (this.byId.has(id)) {
      throw new TwinError(TwinErrorCode.DuplicateAsset, `Asset "${id}" already exists`, { assetId: id });
    }
    if (this.validateCreates) checkState(definition, id, state);
    for (const key in state) {
      if (isPointerKey(key)) {
        throw new TwinError(TwinErrorCode.InvalidState, `State field names cannot start with "/", got "${key}"`, {
          assetId: id,
        });
      }
    }
    const initial = Object.freeze({ ...state }) as S;
    const entry = new AssetEntry<S, R>(this, id, kind, initial, runtime as R);
    this.byId.set(id, entry as AssetEntry<JsonObject, unknown>);
    (this.byKind.get(kind) as AssetEntry<JsonObject, unknown>[]).push(entry as AssetEntry<JsonObject, unknown>);
    this.changeCount++;
    this.ledger.append(this.env.now, id, ASSET_CREATED, null, initial, { kind }, this.currentOrigin);
    return entry;
  }

  update<S extends JsonObject>(
    asset: Asset<S, unknown>,
    patch: Partial<S>,
    eventType: string,
    meta: JsonObject | null = null,
    options?: { always?: boolean },
  ): void {
    const entry = this.entryOf(asset);
    const previous = entry.state;
    let oldValue: JsonObject | null = null;
    let newValue: JsonObject | null = null;
    let state: JsonObject | null = null;
    // Hot path (every state change of every model): index loop over the keys, a clone of the previous state
    // (same shape, so a fast copy), and change records allocated only when something may have changed. Nested
    // changes are recorded by JSON Pointer (see state-patch.ts), so a station's one charger changing state costs
    // one short key, not the whole charger list.
    const keys = Object.keys(patch);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const next = (patch as Record<string, Json | undefined>)[key];
      if (next === undefined) continue;
      const before = (previous as Record<string, Json | undefined>)[key];
      if (before === next) continue;
      if (oldValue === null || newValue === null) {
        oldValue = {};
        newValue = {};
      }
      if (before === undefined) {
        if (isPointerKey(key)) {
          throw new TwinError(TwinErrorCode.InvalidState, `State field names cannot start with "/", got "${key}"`, {
            assetId: entry.id,
          });
        }
        // A field the state did not have yet is recorded with the old value null.
        oldValue[key] = null;
        newValue[key] = next;
      } else if (typeof before !== 'object' || typeof next !== 'object' || before === null || next === null) {
        oldValue[key] = before;
        newValue[key] = next;
      } else if (!diffValue(key, childPointer('', key), before, next, oldValue, newValue)) continue;
      state ??= { ...previous };
      state[key] = next;
    }
    if (state === null) {
      if (options?.always === true) this.emit(asset, eventType, meta);
      return;
    }
    if (this.validateUpdates) {
      // Debug mode also freezes, so model code that mutates a state object in place fails loudly.
      checkState(this.kinds.get(entry.kind) as AssetKindDefinition, entry.id, state);
      Object.freeze(state);
    }
    entry.state = state;
    this.changeCount++;
    this.ledger.append(this.env.now, entry.id, eventType, oldValue, newValue, meta, this.currentOrigin);
  }

  emit(asset: Asset<JsonObject, unknown>, eventType: string, meta: JsonObject | null = null): void {
    const entry = this.entryOf(asset);
    this.ledger.append(this.env.now, entry.id, eventType, null, null, meta, this.currentOrigin);
  }

  asset(id: string): Asset<JsonObject, unknown> | undefined {
    return this.byId.get(id);
  }

  /** Assets in creation order (all of them, or those of one kind). */
  assets(kind?: string): readonly Asset<JsonObject, unknown>[] {
    if (kind === undefined) return [...this.byId.values()];
    return this.byKind.get(kind) ?? [];
  }

  /** The current state of every asset, in creation order (the objects are immutable: no copy is made). */
  states(): Map<string, JsonObject> {
    const states = new Map<string, JsonObject>();
    for (const [id, entry] of this.byId) states.set(id, entry.state);
    return states;
  }

  /** Names of the asset kinds this registry accepts. */
  kindNames(): string[] {
    return [...this.kinds.keys()];
  }

  kindOf(kind: string): AssetKindDefinition | undefined {
    return this.kinds.get(kind);
  }

  /** Runs `fn` with every ledger event it causes attributed to `origin` (intervention handlers). */
  withOrigin<T>(origin: LedgerOrigin, fn: () => T): T {
    const saved = this.currentOrigin;
    this.currentOrigin = origin;
    try {
      return fn();
    } finally {
      this.currentOrigin = saved;
    }
  }

  private entryOf(asset: Asset<JsonObject, unknown>): AssetEntry<JsonObject, unknown> {
    if (asset instanceof AssetEntry && asset.owner === this) return asset as AssetEntry<JsonObject, unknown>;
    throw new TwinError(TwinErrorCode.UnknownAsset, `Asset "${asset.id}" does not belong to this simulation`, {
      assetId: asset.id,
    });
  }
}

function checkState(definition: AssetKindDefinition, id: string, state: JsonObject): void {
  const result = definition.state.safeParse(state);
  if (!result.success) {
    throw new TwinError(
      TwinErrorCode.InvalidState,
      `State of ${definition.kind} "${id}" does not match its schema: ${result.error.issues
        .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
        .join('; ')}`,
      { assetId: id, kind: definition.kind, issues: result.error.issues },
    );
  }
}
