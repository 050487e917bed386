import { z } from 'zod';
import type { AssetKindDefinition, InterventionDefinition } from '../contracts/assets.js';
import type { AnyPack } from '../contracts/pack.js';
import { TwinError, TwinErrorCode } from '../errors.js';
import type { PackDescription } from '../contracts/wire/packs.js';

export type { AssetKindDescription, InterventionDescription, PackDescription } from '../contracts/wire/packs.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyInterventionDefinition = InterventionDefinition<any, any, any>;

/** The packs an application knows, with lookups of asset kinds and interventions. */
export class PackRegistry {
  private readonly byName = new Map<string, AnyPack>();
  private readonly descriptions = new Map<string, PackDescription>();

  constructor(packs: Iterable<AnyPack> = []) {
    for (const pack of packs) this.register(pack);
  }

  register(pack: AnyPack): this {
    if (this.byName.has(pack.name)) {
      throw new TwinError(TwinErrorCode.InvalidArguments, `Pack "${pack.name}" is already registered`, {
        pack: pack.name,
      });
    }
    const kinds = new Set<string>();
    for (const kind of pack.assetKinds) {
      if (kinds.has(kind.kind)) {
        throw new TwinError(TwinErrorCode.InvalidArguments, `Pack "${pack.name}" declares kind "${kind.kind}" twice`);
      }
      kinds.add(kind.kind);
      const actions = new Set<string>();
      for (const intervention of kind.interventions) {
        if (actions.has(intervention.name)) {
          throw new TwinError(
            TwinErrorCode.InvalidArguments,
            `Kind "${kind.kind}" of pack "${pack.name}" declares intervention "${intervention.name}" twice`,
          );
        }
        actions.add(intervention.name);
      }
    }
    this.byName.set(pack.name, pack);
    return this;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The registered packs, in registration order. */
  list(): readonly AnyPack[] {
    return [...this.byName.values()];
  }

  pack(name: string): AnyPack {
    const pack = this.byName.get(name);
    if (pack === undefined) {
      throw new TwinError(TwinErrorCode.UnknownPack, `Unknown pack "${name}"`, {
        pack: name,
        expected: [...this.byName.keys()],
      });
    }
    return pack;
  }

  assetKind(packName: string, kind: string): AssetKindDefinition | undefined {
    return this.pack(packName).assetKinds.find((candidate) => candidate.kind === kind);
  }

  intervention(packName: string, kind: string, action: string): AnyInterventionDefinition | undefined {
    return this.assetKind(packName, kind)?.interventions.find((candidate) => candidate.name === action);
  }

  describe(name: string): PackDescription {
    let description = this.descriptions.get(name);
    if (description === undefined) {
      description = describePack(this.pack(name));
      this.descriptions.set(name, description);
    }
    return description;
  }

  describeAll(): PackDescription[] {
    return [...this.byName.keys()].map((name) => this.describe(name));
  }
}

function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
}

export function describePack(pack: AnyPack): PackDescription {
  return {
    name: pack.name,
    title: pack.title,
    version: pack.version,
    kpis: pack.kpis,
    inputs: Object.entries(pack.inputs ?? {}).map(([name, spec]) => ({ name, description: spec.description })),
    assetKinds: pack.assetKinds.map((kind) => ({
      kind: kind.kind,
      title: kind.title,
      description: kind.description,
      stateSchema: jsonSchemaOf(kind.state),
      kpis: kind.kpis,
      interventions: kind.interventions.map((intervention) => ({
        name: intervention.name,
        description: intervention.description,
        argsSchema: jsonSchemaOf(intervention.args),
      })),
    })),
  };
}
