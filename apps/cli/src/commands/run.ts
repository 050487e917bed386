import type { Command } from 'commander';

/** Registers `doppel run`. */
export function register(_program: Command): void {}
