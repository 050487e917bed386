import type { Command } from 'commander';

/** Registers `doppel replay`. */
export function register(_program: Command): void {}
