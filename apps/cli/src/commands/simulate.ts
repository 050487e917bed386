import type { Command } from 'commander';

/** Registers `doppel simulate`. */
export function register(_program: Command): void {}
