import { Environment } from '@doppel/engine';
import {
  AssetRegistry,
  type InterventionEffect,
  type JsonObject,
  type LedgerOrigin,
  type ResolvedScenario,
} from '@doppel/twin';
import { swapConfigSchema, swapPack, type SwapConfigInput, type SwapModel } from '../src/index.js';

/** One recorded ledger event (what the registry appends). */
export interface Rec {
  readonly t: number;
  readonly assetId: string;
  readonly type: string;
  readonly oldValue: JsonObject | null;
  readonly newValue: JsonObject | null;
  readonly meta: JsonObject | null;
  readonly origin: LedgerOrigin;
}

export interface ScheduledAction {
  readonly at: number;
  readonly assetId: string;
  readonly action: string;
  readonly args?: JsonObject;
}

export interface Harness {
  readonly env: Environment;
  readonly registry: AssetRegistry;
  readonly model: SwapModel;
  readonly ledger: Rec[];
  /** Applies an intervention now, the way the twin core does (validated args, intervention origin, timed end). */
  intervene(assetId: string, action: string, args?: JsonObject): InterventionEffect | void;
  run(untilS: number): void;
}

/** A resolved scenario for a pack config given inline (what the loader would produce). */
export function inlineScenario(
  config: SwapConfigInput,
  options: {
    seed?: number;
    start?: string;
    inputs?: Record<string, JsonObject[]>;
    actions?: readonly ScheduledAction[];
  } = {},
): ResolvedScenario {
  return {
    doppel: 1,
    name: 'test',
    pack: 'swap',
    description: '',
    start: options.start ?? '2026-06-01T00:00:00+02:00',
    timezone: 'Europe/Paris',
    durationS: 86400,
    seed: options.seed ?? 1,
    telemetryIntervalS: 300,
    config: swapConfigSchema.parse(config) as unknown as JsonObject,
    inputs: options.inputs ?? {},
    interventions: (options.actions ?? []).map((a) => ({ ...a, args: a.args ?? {} })),
    breakpoints: [],
    sha256: '0',
    source: { kind: 'inline' },
  };
}

/**
 * Builds the pack on a real Environment and the twin's real AssetRegistry with an in-memory ledger: enough to test
 * the model's behaviour without the session around it. Scheduled interventions of the scenario are applied at
 * their time.
 */
export function fromScenario(scenario: ResolvedScenario, options: { seed?: number; validate?: boolean } = {}): Harness {
  const env = new Environment({ seed: options.seed ?? scenario.seed });
  const ledger: Rec[] = [];
  const registry = new AssetRegistry({
    env,
    kinds: swapPack.assetKinds,
    validateUpdates: options.validate ?? true,
    ledger: {
      append(t, assetId, type, oldValue, newValue, meta, origin) {
        ledger.push({ t, assetId, type, oldValue, newValue, meta, origin });
      },
    },
  });
  const config = swapConfigSchema.parse(scenario.config);
  const model = swapPack.build({ env, twin: registry, config, scenario, inputs: scenario.inputs });
  const intervene = (assetId: string, action: string, args: JsonObject = {}) => {
    const asset = registry.asset(assetId);
    if (asset === undefined) throw new Error(`no asset ${assetId}`);
    const kind = swapPack.assetKinds.find((k) => k.kind === asset.kind);
    const def = kind?.interventions.find((d) => d.name === action);
    if (def === undefined) throw new Error(`no action ${action} on ${asset.kind}`);
    const parsedArgs = def.args.parse(args);
    const effect = registry.withOrigin('intervention', () => def.apply(asset, parsedArgs, registry)) as
      InterventionEffect | undefined;
    if (effect?.durationS !== undefined && effect.end !== undefined) {
      const end = effect.end;
      env.timeout(effect.durationS).addCallback(() => registry.withOrigin('intervention', end));
    }
    return effect;
  };
  for (const a of scenario.interventions) {
    env.timeout(a.at).addCallback(() => intervene(a.assetId, a.action, a.args));
  }
  return { env, registry, model, ledger, intervene, run: (untilS) => env.run({ until: untilS }) };
}

export function harness(
  config: SwapConfigInput,
  options: {
    seed?: number;
    start?: string;
    inputs?: Record<string, JsonObject[]>;
    actions?: readonly ScheduledAction[];
    validate?: boolean;
  } = {},
): Harness {
  return fromScenario(inlineScenario(config, options), options);
}
