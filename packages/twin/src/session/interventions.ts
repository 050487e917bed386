import { nearest } from '../scenario/issues.js';
import type { Environment, Event } from '@doppel/engine';
import { z } from 'zod';
import type { AssetRegistry } from '../assets/asset-registry.js';
import type { AnyInterventionDefinition } from '../assets/pack-registry.js';
import type { Asset, InterventionEffect } from '../contracts/assets.js';
import type {
  InterventionLogEntry,
  InterventionRecord,
  InterventionRequest,
  InterventionStatus,
} from '../contracts/interventions.js';
import type { JsonObject } from '../contracts/json.js';
import { TwinError, TwinErrorCode } from '../errors.js';
import { formatSimTime } from '../scenario/duration.js';
import { LIVE_MEASUREMENT, liveMeasurementDefinition } from './live-measurement.js';

/**
 * Engine priority of intervention events: below URGENT (0), so at equal sim time an intervention precedes every
 * model event; among interventions the queue's FIFO order is the log order.
 */
export const INTERVENTION_PRIORITY = -1;

/** Only `validateIntervention` and the book's own check of a log entry make a `ValidatedIntervention`. */
const validated: unique symbol = Symbol('validated intervention');

/**
 * A request checked once against the asset registry (asset, action, the pack's argument schema, time): the parsed
 * arguments travel with it to `apply`, so nothing downstream parses them again. The brand makes "already checked"
 * a type: a plain object of the same shape is not one.
 */
export interface ValidatedIntervention {
  readonly asset: Asset<JsonObject, unknown>;
  readonly definition: AnyInterventionDefinition;
  /** The arguments as submitted (what the log keeps). */
  readonly args: JsonObject;
  /** The arguments as the pack's schema parsed them (what `apply` receives). */
  readonly parsed: unknown;
  readonly effectiveAt: number;
  readonly [validated]: true;
}

interface MutableRecord {
  id: string;
  assetId: string;
  kind: string;
  action: string;
  args: JsonObject;
  origin: InterventionRecord['origin'];
  effectiveAt: number;
  status: InterventionStatus;
  reason?: string;
  endsAt?: number;
  ended?: boolean;
  note?: string;
}

const strictSchemas = new WeakMap<z.ZodType, z.ZodType>();

/** Argument schemas are strict whatever the pack wrote: an unknown field is a typo, never silently ignored. */
function strictArgs(schema: z.ZodType): z.ZodType {
  let strict = strictSchemas.get(schema);
  if (strict === undefined) {
    strict = schema instanceof z.ZodObject && schema._zod.def.catchall === undefined ? schema.strict() : schema;
    strictSchemas.set(schema, strict);
  }
  return strict;
}

export function interventionDefinition(
  registry: AssetRegistry,
  assetId: string,
  action: string,
): { asset: Asset<JsonObject, unknown>; definition: AnyInterventionDefinition } {
  const asset = registry.asset(assetId);
  if (asset === undefined) {
    throw new TwinError(TwinErrorCode.UnknownAsset, `Unknown asset "${assetId}"`, { field: 'assetId', assetId });
  }
  const kind = registry.kindOf(asset.kind);
  const definition =
    action === LIVE_MEASUREMENT && kind !== undefined
      ? liveMeasurementDefinition(kind)
      : kind?.interventions.find((candidate) => candidate.name === action);
  if (definition === undefined) {
    const expected = kind?.interventions.map((candidate) => candidate.name) ?? [];
    const suggestion = nearest(action, expected);
    throw new TwinError(
      TwinErrorCode.UnknownAction,
      `Unknown action "${action}" for ${asset.kind} "${assetId}"` +
        (suggestion === undefined ? '' : `: did you mean "${suggestion}"?`) +
        ` (expected one of: ${expected.join(', ') || 'none'})`,
      { field: 'action', action, kind: asset.kind, expected, ...(suggestion === undefined ? {} : { suggestion }) },
    );
  }
  return { asset, definition };
}

export function parseInterventionArgs(
  definition: AnyInterventionDefinition,
  args: JsonObject | undefined,
): { parsed: unknown } {
  const result = strictArgs(definition.args).safeParse(args ?? {});
  if (!result.success) {
    throw new TwinError(
      TwinErrorCode.InvalidArguments,
      `Invalid arguments for "${definition.name}": ${result.error.issues
        .map((issue) => `${issue.path.join('.') || '(args)'}: ${issue.message}`)
        .join('; ')}`,
      {
        field: 'args',
        action: definition.name,
        issues: result.error.issues.map((issue) => ({ path: issue.path.map(String), message: issue.message })),
      },
    );
  }
  return { parsed: result.data };
}

/** Checks a request against the asset registry: asset, action, arguments (strict) and time. */
export function validateIntervention(
  registry: AssetRegistry,
  request: InterventionRequest,
  now: number,
  horizon: number,
): ValidatedIntervention {
  const { asset, definition } = interventionDefinition(registry, request.assetId, request.action);
  const args = request.args ?? {};
  const { parsed } = parseInterventionArgs(definition, args);
  const effectiveAt = request.at ?? now;
  if (typeof effectiveAt !== 'number' || !Number.isFinite(effectiveAt)) {
    throw new TwinError(TwinErrorCode.InvalidArguments, `Intervention time must be a finite number of seconds`, {
      field: 'at',
      found: String(effectiveAt),
    });
  }
  if (effectiveAt < now) {
    throw new TwinError(
      TwinErrorCode.InterventionInPast,
      `Intervention at ${formatSimTime(effectiveAt)} lies in the past (now ${formatSimTime(now)}); rewind or branch to change the past`,
      { field: 'at', at: effectiveAt, now },
    );
  }
  if (effectiveAt > horizon) {
    throw new TwinError(
      TwinErrorCode.TimeOutOfRange,
      `Intervention at ${formatSimTime(effectiveAt)} lies after the end of the simulation (${formatSimTime(horizon)})`,
      { field: 'at', at: effectiveAt, horizon },
    );
  }
  return { asset, definition, args, parsed, effectiveAt, [validated]: true };
}

export interface InterventionBookHooks {
  /** A record changed status (PENDING on submission, then CONFIRMED/FAILED/CANCELLED, or ended). */
  onChange(record: InterventionRecord): void;
}

/**
 * The interventions of one execution: submits log entries to the engine as events at their effective time, applies
 * them through the pack's handlers and tracks their lifecycle.
 */
export class InterventionBook {
  private readonly env: Environment;
  private readonly registry: AssetRegistry;
  private readonly hooks: InterventionBookHooks;
  private readonly records = new Map<string, MutableRecord>();
  /** The parsed arguments of each submitted entry, for `apply` (kept out of the records the API shows). */
  private readonly parsedArgs = new Map<string, unknown>();
  private readonly events = new Map<string, Event>();

  constructor(env: Environment, registry: AssetRegistry, hooks: InterventionBookHooks) {
    this.env = env;
    this.registry = registry;
    this.hooks = hooks;
  }

  list(): InterventionRecord[] {
    return [...this.records.values()].map((record) => this.view(record));
  }

  get(id: string): InterventionRecord | undefined {
    const record = this.records.get(id);
    return record === undefined ? undefined : this.view(record);
  }

  /** True once the engine event of an `apply` entry has been processed (or it was cancelled). */
  settled(id: string): boolean {
    const event = this.events.get(id);
    return event === undefined || event.processed;
  }

  /**
   * Submits one log entry at the current engine position (the same position on every re-execution). An entry made
   * from a request just validated comes with that validation (`checked`) and is trusted; an entry of a log read
   * back (a journal, the catalog, a replay) is checked here, once.
   */
  submit(entry: InterventionLogEntry, checked?: ValidatedIntervention): void {
    if (entry.op === 'cancel') {
      this.cancel(entry);
      return;
    }
    if (this.records.has(entry.id)) {
      throw new TwinError(TwinErrorCode.InvalidArguments, `Intervention id "${entry.id}" is used twice in the log`);
    }
    const { asset, definition, parsed } = checked ?? this.check(entry);
    if (entry.effectiveAt < this.env.now) {
      throw new TwinError(
        TwinErrorCode.InterventionInPast,
        `Intervention ${entry.id} at ${formatSimTime(entry.effectiveAt)} was submitted at ${formatSimTime(this.env.now)}`,
        { id: entry.id, at: entry.effectiveAt, now: this.env.now },
      );
    }
    const record: MutableRecord = {
      id: entry.id,
      assetId: entry.assetId,
      kind: asset.kind,
      action: entry.action,
      args: entry.args,
      origin: entry.origin,
      effectiveAt: entry.effectiveAt,
      status: 'PENDING',
    };
    this.records.set(entry.id, record);
    this.parsedArgs.set(entry.id, parsed);
    const event = this.env.event();
    event.addCallback(() => this.apply(record, asset, definition));
    this.env.scheduleAt(event, entry.effectiveAt, INTERVENTION_PRIORITY);
    this.events.set(entry.id, event);
    this.hooks.onChange(this.view(record));
  }

  private check(entry: InterventionLogEntry): {
    asset: Asset<JsonObject, unknown>;
    definition: AnyInterventionDefinition;
    parsed: unknown;
  } {
    const { asset, definition } = interventionDefinition(this.registry, entry.assetId, entry.action);
    return { asset, definition, parsed: parseInterventionArgs(definition, entry.args).parsed };
  }

  private cancel(entry: InterventionLogEntry): void {
    const targetId = entry.targetId ?? '';
    const record = this.records.get(targetId);
    if (record === undefined) {
      throw new TwinError(TwinErrorCode.UnknownIntervention, `Unknown intervention "${targetId}"`, { id: targetId });
    }
    if (record.status !== 'PENDING') {
      throw new TwinError(
        TwinErrorCode.InvalidState,
        `Intervention ${targetId} is ${record.status}: only PENDING interventions can be cancelled`,
        { id: targetId, status: record.status },
      );
    }
    // The engine event stays queued (and counted) and does nothing: removing it would shift nothing, but keeping
    // it makes the event count independent of cancellations' timing.
    record.status = 'CANCELLED';
    this.parsedArgs.delete(targetId);
    this.hooks.onChange(this.view(record));
  }

  private apply(record: MutableRecord, asset: Asset<JsonObject, unknown>, definition: AnyInterventionDefinition): void {
    if (record.status !== 'PENDING') return;
    const parsed = this.parsedArgs.get(record.id);
    this.parsedArgs.delete(record.id);
    let effect: InterventionEffect | void;
    try {
      // A measurement's records are the real world's (origin live); every other action's the intervention's.
      const origin = definition.name === LIVE_MEASUREMENT ? 'live' : 'intervention';
      effect = this.registry.withOrigin(origin, () => definition.apply(asset, parsed, this.registry));
    } catch (error) {
      // Matched by code, not class: a pack may load its own copy of the twin's errors (compiled vs source).
      if ((error as { code?: unknown } | null)?.code === TwinErrorCode.InterventionRejected) {
        record.status = 'FAILED';
        record.reason = error instanceof Error ? error.message : String(error);
        this.hooks.onChange(this.view(record));
        return;
      }
      throw new TwinError(
        TwinErrorCode.SimulationFailed,
        `Intervention ${record.id} (${record.action} on ${record.assetId}) threw at ${formatSimTime(this.env.now)}: ${messageOf(error)}`,
        { id: record.id, cause: error },
      );
    }
    record.status = 'CONFIRMED';
    if (effect !== undefined && effect !== null) {
      if (effect.note !== undefined) record.note = effect.note;
      const duration = effect.durationS;
      if (duration !== undefined) {
        if (!(duration >= 0) || !Number.isFinite(duration)) {
          throw new TwinError(
            TwinErrorCode.SimulationFailed,
            `Intervention ${record.id} returned an invalid durationS ${duration}`,
            { id: record.id },
          );
        }
        record.endsAt = this.env.now + duration;
        record.ended = false;
        this.scheduleEnd(record, effect.end);
      }
    }
    this.hooks.onChange(this.view(record));
  }

  private scheduleEnd(record: MutableRecord, end: (() => void) | undefined): void {
    const event = this.env.event();
    event.addCallback(() => {
      if (end !== undefined) {
        try {
          this.registry.withOrigin('intervention', end);
        } catch (error) {
          throw new TwinError(
            TwinErrorCode.SimulationFailed,
            `Ending intervention ${record.id} (${record.action} on ${record.assetId}) threw: ${messageOf(error)}`,
            { id: record.id, cause: error },
          );
        }
      }
      record.ended = true;
      this.hooks.onChange(this.view(record));
    });
    this.env.scheduleAt(event, record.endsAt as number, INTERVENTION_PRIORITY);
  }

  private view(record: MutableRecord): InterventionRecord {
    return { ...record };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
