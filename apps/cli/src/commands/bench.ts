import type { Command } from 'commander';

/** Registers `doppel bench`. */
export function register(_program: Command): void {}
