import { scenarioSha256 } from './snapshot.js';
import type { z } from 'zod';
import { deepFreeze } from '../contracts/canonical.js';
import type {
  AnyPack,
  InterventionDefinition,
  Json,
  JsonObject,
  ResolvedScenario,
  ScheduledIntervention,
} from '../contracts/index.js';
import { ScenarioIssueCode, TwinError, TwinErrorCode } from '../errors.js';
import { durationFormats, parseClockTime, parseDuration, tryParseDuration } from './duration.js';
import { loadInputs } from './inputs.js';
import { describeValue, listNames, nearest, type IssueList } from './issues.js';
import { isPlainObject, locate, type Loc, type Plain, type PlainObject } from './located.js';
import { DEBUG_CHUNK_DEFAULT, scenarioDefaults } from './schema.js';
import { isTimeZone, parseStart, secondsUntilClock, startFormat, timeZoneNames } from './time.js';
import { validateLocated } from './validate.js';

/** What a caller may supply or override when loading a scenario. */
export interface ScenarioLoadOptions {
  readonly packs: readonly AnyPack[];
  /** Overrides the scenario's seed (and satisfies "no seed, no run" when the scenario has none). */
  readonly seed?: number;
  /** Overrides the scenario's duration, in seconds. */
  readonly durationS?: number;
  /**
   * Changes merged into the document before it is validated, with the locations of the document that wrote them
   * (e.g. a test file's `overrides:`). A scenario file takes a deep merge; a config directory run takes them like
   * its own `overrides:` (a mapping applied to a list addresses elements by `name`).
   */
  readonly overrides?: Plain;
}

/** A scenario split into generic fields and pack section, each still carrying its source locations. */
export interface Assembly {
  readonly generic: PlainObject;
  readonly genericSchema: z.ZodType;
  readonly config: Plain | undefined;
  /** Path prefix of the pack section in messages (`swap` in a single file, none in a config directory). */
  readonly configPath: readonly string[];
  readonly rootLoc: Loc;
  readonly baseDir: string | undefined;
  readonly defaultName: string;
  readonly source: ResolvedScenario['source'];
  /** Set when the pack section is known to be incomplete (broken references): its schema errors would be noise. */
  readonly skipConfig?: boolean;
}

interface GenericFields {
  name?: string;
  description?: string;
  pack?: string;
  start?: string;
  timezone?: string;
  duration?: string | number;
  seed?: number;
  telemetry?: { interval?: string | number };
  interventions?: { at: string | number; asset: string; action: string; args?: Record<string, unknown> }[];
  breakpoints?: string[];
  debug_mode?: boolean | { chunk?: string | number };
}

/** Validates an assembled scenario and returns it frozen and hashed, or throws every problem found. */
export function finishScenario(assembly: Assembly, options: ScenarioLoadOptions, issues: IssueList): ResolvedScenario {
  checkCallerOptions(options);
  const { generic, rootLoc } = assembly;
  const at = (path: readonly PropertyKey[]): Loc => locate(generic, path) ?? rootLoc;
  const checked = validateLocated(assembly.genericSchema, generic, [], issues, rootLoc);
  const fields: GenericFields = checked.ok
    ? (checked.data as GenericFields)
    : salvageFields(assembly.genericSchema, generic);

  const pack = findPack(generic.pack, options.packs, issues, at(['pack']));

  const start = typeof fields.start === 'string' ? fields.start : scenarioDefaults.start;
  const startMs = parseStart(start);
  if (startMs === undefined) {
    issues.add({
      code: ScenarioIssueCode.InvalidTime,
      loc: at(['start']),
      path: 'start',
      message: 'start is not a valid datetime',
      expected: startFormat,
      found: describeValue(generic.start),
    });
  }
  const timezone = typeof fields.timezone === 'string' ? fields.timezone : scenarioDefaults.timezone;
  const zoneOk = isTimeZone(timezone);
  if (!zoneOk) {
    const suggestion = nearest(timezone, timeZoneNames());
    issues.add({
      code: ScenarioIssueCode.InvalidValue,
      loc: at(['timezone']),
      path: 'timezone',
      message: 'unknown time zone',
      expected: 'an IANA time zone such as Europe/Paris or UTC',
      found: describeValue(generic.timezone),
      ...(suggestion !== undefined ? { suggestion } : {}),
    });
  }

  const durationS = options.durationS ?? readDuration(generic, 'duration', ['duration'], issues, at, true);
  if (durationS === undefined && generic.duration === undefined && options.durationS === undefined) {
    issues.add({
      code: ScenarioIssueCode.MissingField,
      loc: rootLoc,
      path: 'duration',
      message: 'missing required field "duration" (how long a run lasts)',
      expected: durationFormats,
      found: 'nothing',
    });
  }
  const seed = options.seed ?? fields.seed;
  if (seed === undefined && generic.seed === undefined) {
    issues.add({
      code: ScenarioIssueCode.MissingSeed,
      loc: rootLoc,
      path: 'seed',
      message: 'no seed: a run needs one, in the scenario (seed: 42) or given when it is run',
      expected: 'a non-negative integer',
      found: 'nothing',
    });
  }
  const telemetry = isPlainObject(generic.telemetry) ? generic.telemetry : undefined;
  const telemetryIntervalS =
    telemetry && telemetry.interval !== undefined
      ? readDuration(
          telemetry,
          'interval',
          ['telemetry', 'interval'],
          issues,
          (path) => locate(generic, path) ?? rootLoc,
          true,
        )
      : 300;

  const debugChunkS = readDebugMode(generic, issues, (path) => locate(generic, path) ?? rootLoc);

  // With a broken start or zone (already reported) clock times are still checked, against the defaults.
  const clock = {
    startMs: startMs ?? (parseStart(scenarioDefaults.start) as number),
    timezone: zoneOk ? timezone : scenarioDefaults.timezone,
    durationS,
  };
  const interventions = readInterventions(fields.interventions ?? [], generic, pack, clock, issues, rootLoc);

  let config: Json = null;
  if (pack && assembly.skipConfig !== true) {
    const section = assembly.config ?? {};
    const sectionLoc = locate(generic, []) ?? rootLoc;
    const result = validateLocated(pack.config as z.ZodType, section, assembly.configPath, issues, sectionLoc);
    if (result.ok) config = toJson(result.data);
  }
  const inputs = pack ? loadInputs(generic.inputs, pack, assembly.baseDir, issues, rootLoc) : {};

  issues.throwIfAny();
  const body = {
    doppel: 1 as const,
    name: fields.name ?? assembly.defaultName,
    pack: (pack as AnyPack).name,
    description: fields.description ?? scenarioDefaults.description,
    start,
    timezone,
    durationS: durationS as number,
    seed: seed as number,
    telemetryIntervalS: telemetryIntervalS as number,
    config,
    inputs: toJson(inputs) as Record<string, JsonObject[]>,
    interventions,
    breakpoints: fields.breakpoints ?? [],
    ...(debugChunkS !== undefined ? { debugChunkS } : {}),
  };
  const sha256 = scenarioSha256(body);
  return deepFreeze({ ...body, sha256, source: assembly.source });
}

/**
 * The generic fields that are valid on their own, so one bad field does not hide the problems of the others
 * (every intervention is still checked when a sibling field has the wrong type).
 */
function salvageFields(schema: z.ZodType, generic: PlainObject): GenericFields {
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(generic)) {
    const field = shape[key];
    if (!field) continue;
    const result = field.safeParse(generic[key]);
    if (result.success) out[key] = result.data;
    else if (key === 'interventions' && Array.isArray(generic[key]))
      out[key] = salvageInterventions(field, generic[key]);
  }
  return out as GenericFields;
}

function salvageInterventions(field: z.ZodType, items: Plain[]): unknown[] {
  const out: unknown[] = [];
  for (const item of items) {
    const result = field.safeParse([item]);
    out.push(result.success ? (result.data as unknown[])[0] : undefined);
  }
  return out;
}

/** The caller's seed and duration are program input, not scenario text: a bad one is a plain argument error. */
function checkCallerOptions(options: ScenarioLoadOptions): void {
  if (options.seed !== undefined && !(Number.isSafeInteger(options.seed) && options.seed >= 0)) {
    throw new TwinError(TwinErrorCode.InvalidArguments, `seed must be a non-negative integer, got ${options.seed}`, {
      seed: options.seed,
    });
  }
  if (options.durationS !== undefined && !(Number.isFinite(options.durationS) && options.durationS > 0)) {
    throw new TwinError(
      TwinErrorCode.InvalidArguments,
      `duration must be a positive number of seconds, got ${options.durationS}`,
      {
        durationS: options.durationS,
      },
    );
  }
}

/** A fresh JSON copy: drops undefined members and shares nothing with the inputs (which stay unfrozen). */
function toJson(value: unknown): Json {
  return JSON.parse(JSON.stringify(value ?? null)) as Json;
}

function findPack(
  name: Plain | undefined,
  packs: readonly AnyPack[],
  issues: IssueList,
  loc: Loc,
): AnyPack | undefined {
  if (typeof name !== 'string') return undefined;
  const pack = packs.find((candidate) => candidate.name === name);
  if (pack) return pack;
  const names = packs.map((candidate) => candidate.name);
  const suggestion = nearest(name, names);
  issues.add({
    code: ScenarioIssueCode.UnknownPack,
    loc,
    path: 'pack',
    message: `unknown pack "${name}"`,
    expected: `one of ${listNames(names)}`,
    found: JSON.stringify(name),
    ...(suggestion !== undefined ? { suggestion } : {}),
  });
  return undefined;
}

function readDuration(
  container: PlainObject,
  key: string,
  path: readonly PropertyKey[],
  issues: IssueList,
  at: (path: readonly PropertyKey[]) => Loc,
  positive: boolean,
): number | undefined {
  const value = container[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const parsed = tryParseDuration(value);
  if (!parsed.ok || (positive && parsed.seconds === 0)) {
    issues.add({
      code: ScenarioIssueCode.InvalidDuration,
      loc: at(path),
      path,
      message: parsed.ok ? 'a duration here must be greater than zero' : `invalid duration: ${parsed.reason}`,
      expected: durationFormats,
      found: describeValue(value),
    });
    return undefined;
  }
  return parsed.seconds;
}

/** `debug_mode`: true (chunks of the default size), { chunk } or false/absent (off: undefined). */
function readDebugMode(
  generic: PlainObject,
  issues: IssueList,
  at: (path: readonly PropertyKey[]) => Loc,
): number | undefined {
  const value = generic.debug_mode;
  if (value === true) return parseDuration(DEBUG_CHUNK_DEFAULT);
  if (!isPlainObject(value)) return undefined; // false, absent, or a wrong type the schema reported
  if (value.chunk === undefined) return parseDuration(DEBUG_CHUNK_DEFAULT);
  return readDuration(value, 'chunk', ['debug_mode', 'chunk'], issues, at, true);
}

interface Clock {
  readonly startMs: number;
  readonly timezone: string;
  readonly durationS: number | undefined;
}

function interventionDefinitions(pack: AnyPack | undefined): Map<string, InterventionDefinition> {
  const out = new Map<string, InterventionDefinition>();
  for (const kind of pack?.assetKinds ?? []) {
    for (const definition of kind.interventions) if (!out.has(definition.name)) out.set(definition.name, definition);
  }
  return out;
}

function readInterventions(
  items: readonly (NonNullable<GenericFields['interventions']>[number] | undefined)[],
  generic: PlainObject,
  pack: AnyPack | undefined,
  clock: Clock,
  issues: IssueList,
  rootLoc: Loc,
): ScheduledIntervention[] {
  const definitions = interventionDefinitions(pack);
  const raw = Array.isArray(generic.interventions) ? generic.interventions : [];
  const out: ScheduledIntervention[] = [];
  items.forEach((item, index) => {
    if (item === undefined) return;
    const path = ['interventions', index];
    const here = (sub: string): Loc => locate(generic, [...path, sub]) ?? rootLoc;
    const atS = interventionTime(item.at, clock, issues, [...path, 'at'], here('at'));
    let args: JsonObject = toJson(item.args ?? {}) as JsonObject;
    if (pack) {
      const definition = definitions.get(item.action);
      if (!definition) {
        const suggestion = nearest(item.action, definitions.keys());
        issues.add({
          code: ScenarioIssueCode.UnknownAction,
          loc: here('action'),
          path: [...path, 'action'],
          message: `pack "${pack.name}" has no intervention "${item.action}"`,
          expected: `one of ${listNames([...definitions.keys()].sort())}`,
          found: JSON.stringify(item.action),
          ...(suggestion !== undefined ? { suggestion } : {}),
        });
      } else {
        const rawArgs = isPlainObject(raw[index]) ? (raw[index] as PlainObject).args : undefined;
        const result = validateLocated(
          definition.args as z.ZodType,
          rawArgs ?? {},
          [...path, 'args'],
          issues,
          here('args'),
        );
        if (result.ok) args = toJson(result.data) as JsonObject;
      }
    }
    if (atS !== undefined) out.push({ at: atS, assetId: item.asset, action: item.action, args });
  });
  // Stable: interventions at the same instant keep the order they are written in.
  return out
    .map((item, index) => ({ item, index }))
    .sort((a, b) => a.item.at - b.item.at || a.index - b.index)
    .map(({ item }) => item);
}

function interventionTime(
  value: string | number,
  clock: Clock,
  issues: IssueList,
  path: readonly PropertyKey[],
  loc: Loc,
): number | undefined {
  const clockSeconds = typeof value === 'string' ? parseClockTime(value) : undefined;
  let seconds: number | undefined;
  if (clockSeconds !== undefined) {
    seconds = secondsUntilClock(clock.startMs, clock.timezone, clockSeconds);
  } else {
    const parsed = tryParseDuration(value);
    if (parsed.ok) seconds = parsed.seconds;
  }
  if (seconds === undefined) {
    issues.add({
      code: ScenarioIssueCode.InvalidTime,
      loc,
      path,
      message: 'not a valid intervention time',
      expected: 'a duration from the start ("17h55m", "90m", seconds) or a clock time ("17:55")',
      found: describeValue(value),
    });
    return undefined;
  }
  if (clock.durationS !== undefined && seconds > clock.durationS) {
    issues.add({
      code: ScenarioIssueCode.InvalidTime,
      loc,
      path,
      message: `intervention time is after the end of the run (${seconds} s > ${clock.durationS} s)`,
      expected: `at most ${clock.durationS} s after the start`,
      found: describeValue(value),
    });
    return undefined;
  }
  return seconds;
}
