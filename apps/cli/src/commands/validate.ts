import type { Command } from 'commander';

/** Registers `doppel validate`. */
export function register(_program: Command): void {}
