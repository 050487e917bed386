import type { AnyPack } from '@doppel/twin';

/** The packs the `doppel` command knows. */
export const builtinPacks: readonly AnyPack[] = [];
