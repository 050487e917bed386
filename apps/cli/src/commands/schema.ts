import type { Command } from 'commander';

/** Registers `doppel schema`. */
export function register(_program: Command): void {}
