import { UserError } from './user-error.js';

/** A flag giving a positive number of seconds (`--timeout`, `--stall-timeout`); `defaultS` when absent. */
export function parseSecondsFlag(flag: string, text: string | undefined, defaultS: number): number {
  if (text === undefined) return defaultS;
  const seconds = Number(text);
  // setTimeout holds at most 2^31 - 1 ms; a longer deadline would fire at once.
  if (!/^\d+(\.\d+)?$/.test(text) || !(seconds > 0) || seconds * 1000 > 2 ** 31 - 1) {
    throw new UserError(`${flag}: expected a positive number of seconds up to 2147483, found "${text}"`);
  }
  return seconds;
}
