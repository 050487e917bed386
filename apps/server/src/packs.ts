import { controlPlanePack } from '@doppel/pack-controlplane';
import { fleetPack } from '@doppel/pack-fleet';
import { linePack } from '@doppel/pack-line';
import { processPack } from '@doppel/pack-process';
import { swapPack } from '@doppel/pack-swap';
import { PackRegistry, type AnyPack } from '@doppel/twin';

/** The packs every Doppel server knows. */
export const builtinPacks: readonly AnyPack[] = [swapPack, linePack, fleetPack, controlPlanePack, processPack];

/** This module's URL: replication and dataset workers import it to resolve against the same built-in packs. */
export const builtinPacksModule: string = import.meta.url;

function isPack(value: unknown): value is AnyPack {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AnyPack).name === 'string' &&
    Array.isArray((value as AnyPack).assetKinds) &&
    typeof (value as AnyPack).build === 'function'
  );
}

/**
 * Imports extra pack modules (paths or specifiers). A module exports `packs` (an array), a default pack, or
 * named packs. The server and every simulation worker load the same list, so both see the same packs.
 */
export async function loadPacks(modules: readonly string[]): Promise<PackRegistry> {
  const registry = new PackRegistry(builtinPacks);
  for (const specifier of modules) {
    const url = /^[./]/.test(specifier) ? new URL(specifier, `file://${process.cwd()}/`).href : specifier;
    const exports = (await import(url)) as Record<string, unknown>;
    const found = Array.isArray(exports.packs) ? exports.packs : Object.values(exports);
    for (const candidate of found) if (isPack(candidate) && !registry.has(candidate.name)) registry.register(candidate);
  }
  return registry;
}
