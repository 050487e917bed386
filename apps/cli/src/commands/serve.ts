import type { Command } from 'commander';

/** Registers `doppel serve`. */
export function register(_program: Command): void {}
