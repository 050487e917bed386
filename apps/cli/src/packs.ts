import { controlPlanePack } from '@doppel/pack-controlplane';
import { fleetPack } from '@doppel/pack-fleet';
import { linePack } from '@doppel/pack-line';
import { processPack } from '@doppel/pack-process';
import { swapPack } from '@doppel/pack-swap';
import type { AnyPack } from '@doppel/twin';

/** The packs the `doppel` command knows. */
export const builtinPacks: readonly AnyPack[] = [swapPack, linePack, fleetPack, controlPlanePack, processPack];
