import type { Command } from 'commander';

/** Registers `doppel accounts`. */
export function register(_program: Command): void {}
