import type { Account } from '@doppel/catalog';
import { twinVehicleStateView, type VehicleState } from '@doppel/pack-fleet';
import {
  twinStepRequestSchema,
  type TwinStepMessage,
  type TwinStepObservation,
  type TwinStepRequest,
  type TwinStepVehicle,
  type TwinScenarioRequest,
} from '@doppel/twin/contracts';
import type { ServerContext } from '../context.js';
import { problemOf, ServerError, ServerErrorCode } from '../errors.js';
import { createTwinScenario } from './scenario.js';

/** Reward of a vehicle under test that collides during a step, on top of the metres it drove. */
const COLLISION_REWARD = -100;

type Reset = Extract<TwinStepRequest, { type: 'reset' }>;
type Step = Extract<TwinStepRequest, { type: 'step' }>;

interface Episode {
  readonly simId: string;
  readonly seed: number;
  readonly dt: number;
  steps: number;
  over: boolean;
  /** Each vehicle's odometer and whether it had collided, at the last observation (for the reward). */
  last: Map<string, { odometer: number; collided: boolean }>;
}

const invalid = (message: string, path: string | null): ServerError =>
  new ServerError(ServerErrorCode.Validation, message, path === null ? {} : { issues: [{ path, message }] });

/**
 * One peer of the step protocol (`GET /api/v1/twin/step`): `reset` makes a fleet simulation of a typed scenario with
 * the episode's seed, `step` records the peer's commands as `external_command` interventions (origin `external`) at
 * the current instant and advances the simulation by the episode's `dt_s`. The commands are in the simulation's
 * intervention log, so the same scenario, seed and actions give the same ledger, and the episode can be replayed,
 * rewound and branched like any other simulation. An episode the peer leaves (a new reset, a disconnection) is
 * released paused at its head, readable and resumable.
 */
export class StepSession {
  private episode: Episode | null = null;

  constructor(
    private readonly ctx: ServerContext,
    private readonly account: Account,
  ) {}

  /** The answer to one frame: an observation, or an error naming the field at fault (the session goes on). */
  async handle(text: string): Promise<TwinStepMessage> {
    try {
      return await this.dispatch(parseRequest(text));
    } catch (error) {
      const { problem } = problemOf(error);
      return { type: 'error', code: problem.code, message: problem.detail, path: problem.issues?.[0]?.path ?? null };
    }
  }

  /** The peer left: its episode is released where it is (paused at its head, its actions in the log). */
  async close(): Promise<void> {
    const episode = this.episode;
    this.episode = null;
    if (episode !== null) await this.ctx.manager.release(episode.simId).catch(() => undefined);
  }

  private dispatch(request: TwinStepRequest): Promise<TwinStepObservation> {
    return request.type === 'reset' ? this.reset(request) : this.step(request);
  }

  private async reset(request: Reset): Promise<TwinStepObservation> {
    const { scenario } = request;
    if (scenario.seed !== undefined) throw invalid('give the episode seed as reset.seed', 'reset.scenario.seed');
    if (scenario.sweep !== undefined) throw invalid('an episode is one case: no sweep', 'reset.scenario.sweep');
    await this.close();
    const { row } = await createTwinScenario(
      this.ctx,
      this.account,
      { ...scenario, seed: request.seed } as TwinScenarioRequest,
      'reset.scenario',
    );
    this.episode = { simId: row.id, seed: row.seed, dt: request.dt_s, steps: 0, over: false, last: new Map() };
    return this.observe(this.episode, false);
  }

  private async step(request: Step): Promise<TwinStepObservation> {
    const episode = this.episode;
    if (episode === null) throw invalid('no episode: send a reset first', 'step');
    if (episode.over) throw invalid('the episode is over (terminated or truncated): send a reset', 'step');
    const simulation = this.ctx.manager.simulation(episode.simId);
    for (const [assetId, action] of Object.entries(request.actions)) {
      if (!episode.last.has(assetId)) {
        throw invalid(
          `no vehicle ${assetId} in this episode (it has ${[...episode.last.keys()].join(', ')})`,
          `step.actions.${assetId}`,
        );
      }
      await simulation.intervene(
        { assetId, action: 'external_command', args: { ...action }, origin: 'external' },
        'vehicle',
      );
    }
    // The step's end from the episode's start, not from the last instant: no rounding drift over a long episode.
    episode.steps += 1;
    const stop = await simulation.runUntil(Math.round(episode.steps * episode.dt * 1e9) / 1e9);
    return this.observe(episode, stop.status === 'finished');
  }

  private async observe(episode: Episode, ended: boolean): Promise<TwinStepObservation> {
    const simulation = this.ctx.manager.simulation(episode.simId);
    const [assets, info] = await Promise.all([simulation.assets('vehicle', true), simulation.info()]);
    const vehicles: Record<string, TwinStepVehicle> = {};
    let reward = 0;
    let terminated = assets.length > 0;
    for (const asset of assets) {
      const state = asset.state as unknown as VehicleState;
      vehicles[asset.id] = { ...twinVehicleStateView(state), lane: state.lane, odometer_m: state.odometer_m };
      const collided = state.status === 'collided';
      const before = episode.last.get(asset.id);
      if (before !== undefined) {
        reward += state.odometer_m - before.odometer;
        if (collided && !before.collided) reward += COLLISION_REWARD;
      }
      episode.last.set(asset.id, { odometer: state.odometer_m, collided });
      if (!collided && state.status !== 'finished') terminated = false;
    }
    const truncated = !terminated && (ended || info.status === 'finished');
    episode.over = terminated || truncated;
    return {
      type: 'observation',
      simulation_id: episode.simId,
      seed: episode.seed,
      step: episode.steps,
      t_s: Math.round(info.now * 1e9) / 1e9,
      dt_s: episode.dt,
      vehicles,
      reward: Math.round(reward * 1e6) / 1e6,
      terminated,
      truncated,
      ledger: { seq: info.headSeq, sha256: info.headHash },
    };
  }
}

/** A frame as a request, or a validation error naming its field (`step.actions.ego.accel_mps2`). */
function parseRequest(text: string): TwinStepRequest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ServerError(
      ServerErrorCode.MalformedBody,
      'The frame is not JSON: expected {"type": "reset" | "step", ...}',
    );
  }
  const parsed = twinStepRequestSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const kind = typeof (json as { type?: unknown } | null)?.type === 'string' ? (json as { type: string }).type : null;
  const issues = parsed.error.issues.map((issue) => {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
    return keys.map((key) => ({
      path: [
        kind === 'reset' || kind === 'step' ? kind : 'frame',
        ...issue.path.map(String),
        ...(key ? [key] : []),
      ].join('.'),
      message: key !== undefined ? 'unknown field' : issue.message,
    }));
  });
  const flat = issues.flat();
  throw new ServerError(ServerErrorCode.Validation, flat.map((i) => `${i.path}: ${i.message}`).join('; '), {
    issues: flat,
  });
}
