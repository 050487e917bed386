import { PackRegistry } from '../assets/pack-registry.js';
import type { InterventionLogEntry } from '../contracts/interventions.js';
import type { LedgerStore } from '../contracts/ledger.js';
import type { AnyPack } from '../contracts/pack.js';
import type { ResolvedScenario } from '../contracts/scenario.js';
import { TwinError, TwinErrorCode } from '../errors.js';
import type { SimulationCreateOptions } from './types.js';

export interface SimulationInit {
  readonly id: string;
  readonly name: string;
  readonly scenario: ResolvedScenario;
  readonly packs: PackRegistry;
  readonly pack: AnyPack;
  readonly config: unknown;
  readonly seed: number;
  readonly store: LedgerStore | null;
  readonly createdAt: string;
  readonly validateUpdates: boolean;
  readonly batchSize: number | undefined;
  readonly snapshotEveryRecords: number | undefined;
  readonly journal: ((entries: readonly InterventionLogEntry[]) => void) | undefined;
}

export function idNumber(id: string): number {
  const match = /^iv-(\d+)$/.exec(id);
  return match === null ? 0 : Number(match[1]);
}

export function asFailure(error: unknown, context: string): TwinError {
  if (error instanceof TwinError && error.code === TwinErrorCode.SimulationFailed) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new TwinError(TwinErrorCode.SimulationFailed, `${context}: ${message}`, { cause: error });
}

export function resolveInit(options: SimulationCreateOptions, simId: string | undefined): SimulationInit {
  const packs = options.packs instanceof PackRegistry ? options.packs : new PackRegistry(options.packs);
  const scenario = options.scenario;
  const pack = packs.pack(scenario.pack);
  const parsed = (
    pack.config as { safeParse(value: unknown): { success: boolean; data?: unknown; error?: unknown } }
  ).safeParse(scenario.config);
  if (!parsed.success) {
    throw new TwinError(
      TwinErrorCode.ScenarioInvalid,
      `The "${pack.name}" section of scenario "${scenario.name}" is invalid`,
      {
        cause: parsed.error,
      },
    );
  }
  const seed = options.seed ?? scenario.seed;
  if (!Number.isSafeInteger(seed)) {
    throw new TwinError(TwinErrorCode.InvalidArguments, `A simulation needs an integer seed, got ${String(seed)}`, {
      field: 'seed',
    });
  }
  return {
    id: simId ?? `sim-${scenario.sha256.slice(0, 12)}-${seed}`,
    name: options.name ?? scenario.name,
    scenario,
    packs,
    pack,
    config: parsed.data,
    seed,
    store: options.store ?? null,
    createdAt: options.createdAt ?? scenario.start,
    validateUpdates: options.validateUpdates ?? false,
    batchSize: options.batchSize,
    snapshotEveryRecords: options.snapshotEveryRecords,
    journal: options.journal,
  };
}

/** The scenario's scheduled interventions, logged at t=0 in file order. */
export function scheduledLog(scenario: ResolvedScenario): InterventionLogEntry[] {
  return scenario.interventions.map((scheduled, index) => ({
    id: `iv-${index + 1}`,
    op: 'apply',
    assetId: scheduled.assetId,
    action: scheduled.action,
    args: scheduled.args,
    effectiveAt: scheduled.at,
    submittedAtEvent: 0,
    submittedAt: 0,
    origin: 'schedule',
  }));
}
