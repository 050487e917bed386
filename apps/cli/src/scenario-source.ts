import { existsSync } from 'node:fs';
import { loadConfigDir, loadScenarioFile, parseDuration, type ResolvedScenario } from '@doppel/twin';
import { builtinPacks } from '@doppel/server/packs';
import { UserError } from './user-error.js';

export interface ScenarioSelection {
  /** A single scenario file. */
  readonly file?: string;
  /** A run name inside a config directory (seed 002 layout). */
  readonly run?: string;
  readonly config?: string;
  readonly seed?: string;
  readonly until?: string;
}

/** Parses `--seed`: a safe integer, or a clear error naming the flag. */
export function parseSeedFlag(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seed = Number(text);
  if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(seed)) {
    throw new UserError(`--seed: expected an integer, found "${text}"`);
  }
  return seed;
}

/** Parses `--until`: a duration such as 24h, 90m, 1h30m, 1200s or a number of seconds. */
export function parseUntilFlag(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  try {
    const seconds = parseDuration(text);
    if (!(seconds > 0)) throw new Error('not positive');
    return seconds;
  } catch {
    throw new UserError(`--until: expected a positive duration such as 24h, 90m, 1h30m or 1200s, found "${text}"`);
  }
}

/** Loads and resolves the scenario a command was pointed at (a file, or --run NAME in --config DIR). */
export function loadSelectedScenario(selection: ScenarioSelection): ResolvedScenario {
  const seed = parseSeedFlag(selection.seed);
  const durationS = parseUntilFlag(selection.until);
  const options = {
    packs: builtinPacks,
    ...(seed === undefined ? {} : { seed }),
    ...(durationS === undefined ? {} : { durationS }),
  };
  if (selection.file !== undefined && selection.run !== undefined) {
    throw new UserError('give either a scenario file or --run NAME (with --config DIR), not both');
  }
  if (selection.run !== undefined) {
    const dir = selection.config ?? 'config';
    if (!existsSync(dir)) throw new UserError(`--config: directory "${dir}" does not exist`);
    return loadConfigDir(dir, selection.run, options);
  }
  if (selection.file === undefined) {
    throw new UserError('which scenario? give a scenario file (doppel run city.yaml) or --run NAME --config DIR');
  }
  return loadScenarioFile(selection.file, options);
}
