/**
 * A user-supplied driving policy: a team's own longitudinal (and lane choice) algorithm, called at every model step
 * in place of the built-in speed control and ACC. The built-in AEB stays above it as the safety layer unless the
 * scenario turns it off (`behaviour.aeb.enabled: false`), and lane keeping steers to the lane it picks.
 *
 * A module exports `policy` (or a default export): an object with `decide(input)`. Its answer is read as plain
 * numbers; `null` or `undefined` keeps the built-in driver's command for this step.
 */

/** An object the vehicle's tracker holds (fused from its sensors), in the frame of its route. */
export interface PolicyTrack {
  readonly id: string;
  readonly cls: 'vehicle' | 'pedestrian' | 'obstacle' | 'unknown';
  /** Distance along the route from the front bumper to the object (negative: behind), m. */
  readonly gap_m: number;
  /** Lateral offset from the vehicle's target lateral position (positive: left), m. */
  readonly offset_m: number;
  /** Speed along the route and across it, m/s. */
  readonly speed_mps: number;
  readonly lateral_speed_mps: number;
  /** Seen in two consecutive frames or by two sensors (unconfirmed tracks may be ghosts). */
  readonly confirmed: boolean;
}

/** What the policy sees at one step: the vehicle, its road, and what its sensors perceive (never the truth). */
export interface PolicyInput {
  readonly vehicle_id: string;
  readonly t_s: number;
  readonly dt_s: number;
  readonly speed_mps: number;
  readonly accel_mps2: number;
  /** Front bumper position along the route, m, and the route's length. */
  readonly s_m: number;
  readonly route_length_m: number;
  readonly lane: number;
  readonly lanes: number;
  /** Posted limit where the vehicle is, m/s. */
  readonly speed_limit_mps: number;
  /** Set speed of the vehicle's cruise control, m/s. */
  readonly set_speed_mps: number;
  /** Tyre–road friction coefficient the vehicle assumes (from the weather). */
  readonly mu: number;
  readonly tracks: readonly PolicyTrack[];
  /** What the built-in speed control and ACC would command now, m/s² (a policy may refine it). */
  readonly builtin_accel_mps2: number;
}

/** The policy's command for this step. */
export interface PolicyCommand {
  /** Wanted acceleration, m/s² (negative brakes); clamped to the vehicle's ACC limits. */
  readonly accel_mps2?: number;
  /** Lane to be in (0 = rightmost); lane keeping changes lanes at the behaviour's lateral speed. */
  readonly lane?: number;
}

export interface DrivingPolicy {
  decide(input: PolicyInput): PolicyCommand | null | undefined;
}

export type PolicyModuleErrorCode = 'DOPPEL_ERR_POLICY_MODULE_INVALID' | 'DOPPEL_ERR_POLICY_MODULE_FAILED';

/** A user-supplied policy module that is not one, or that failed (threw, or answered something else) in a call. */
export class PolicyModuleError extends Error {
  constructor(
    readonly code: PolicyModuleErrorCode,
    readonly module: string,
    message: string,
  ) {
    super(`${module}: ${message}`);
    this.name = 'PolicyModuleError';
  }
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

/** Finds the policy in a module's exports (`policy`, else the default export) and checks its interface. */
export function policyFromModule(exports: Readonly<Record<string, unknown>>, module: string): DrivingPolicy {
  const candidate = exports.policy ?? exports.default;
  if (typeof candidate !== 'object' || candidate === null) {
    throw new PolicyModuleError(
      'DOPPEL_ERR_POLICY_MODULE_INVALID',
      module,
      `expected an export \`policy\` (or a default export) that is an object with decide(input), found ${describe(candidate)}`,
    );
  }
  const decide = (candidate as { decide?: unknown }).decide;
  if (typeof decide !== 'function') {
    throw new PolicyModuleError(
      'DOPPEL_ERR_POLICY_MODULE_INVALID',
      module,
      `the policy lacks member \`decide\`: expected a function, found ${describe(decide)}`,
    );
  }
  return guardedPolicy(candidate as DrivingPolicy, module);
}

function checkCommand(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object' || Array.isArray(value))
    return `expected an object, null or undefined, found ${describe(value)}`;
  const command = value as Record<string, unknown>;
  for (const key of Object.keys(command)) {
    if (key !== 'accel_mps2' && key !== 'lane') return `unknown field \`${key}\` (expected accel_mps2, lane)`;
  }
  const accel = command.accel_mps2;
  if (accel !== undefined && (typeof accel !== 'number' || !Number.isFinite(accel))) {
    return `accel_mps2: expected a finite number, found ${typeof accel === 'number' ? String(accel) : describe(accel)}`;
  }
  const lane = command.lane;
  if (lane !== undefined && (typeof lane !== 'number' || !Number.isInteger(lane) || lane < 0)) {
    return `lane: expected a lane number (an integer from 0), found ${typeof lane === 'number' ? String(lane) : describe(lane)}`;
  }
  return null;
}

/**
 * Wraps `decide` so that an exception, or an answer that is not a command, fails the run naming the module, the
 * vehicle and the sim time.
 */
function guardedPolicy(policy: DrivingPolicy, module: string): DrivingPolicy {
  return {
    decide(input) {
      const where = `decide() at t = ${input.t_s.toFixed(2)} s for vehicle ${input.vehicle_id}`;
      let answer: unknown;
      try {
        answer = policy.decide(input);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new PolicyModuleError('DOPPEL_ERR_POLICY_MODULE_FAILED', module, `${where} threw: ${reason}`);
      }
      const problem = checkCommand(answer);
      if (problem !== null) {
        throw new PolicyModuleError('DOPPEL_ERR_POLICY_MODULE_FAILED', module, `${where} answered badly: ${problem}`);
      }
      return answer as PolicyCommand | null | undefined;
    },
  };
}

/** Stands for a module the host has not loaded: the scenario still builds, and a run fails at the first call. */
export function unloadedPolicy(module: string): DrivingPolicy {
  return {
    decide: () => {
      throw new PolicyModuleError(
        'DOPPEL_ERR_POLICY_MODULE_FAILED',
        module,
        'the driving-policy module is not loaded: run the scenario with doppel run or doppel test, which load it',
      );
    },
  };
}
