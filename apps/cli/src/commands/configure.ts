import type { Command } from 'commander';

/** Registers `doppel configure`. */
export function register(_program: Command): void {}
