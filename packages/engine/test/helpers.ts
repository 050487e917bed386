import { DoppelError, Environment, type DoppelErrorCode } from '../src/index.js';

export function makeEnv(initialTime = 0): Environment {
  return new Environment({ seed: 42, initialTime });
}

/** Runs `fn` and returns the DoppelError code it threw (fails the test if it did not throw one). */
export function codeOf(fn: () => unknown): DoppelErrorCode | string {
  try {
    fn();
  } catch (error) {
    if (error instanceof DoppelError) return error.code;
    return `not a DoppelError: ${String(error)}`;
  }
  return 'did not throw';
}
