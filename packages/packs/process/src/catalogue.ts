import type {
  JsonObject,
  ProcessCatalogue,
  ProcessComponentType,
  ProcessModelInput,
  ProcessPort,
} from '@doppel/twin/contracts';
import { z } from 'zod';
import type { AnyComponentType, PortSpec, PortTemplate } from './component.js';
import { COMPONENT_TYPES } from './components/index.js';
import { dimensionText, UNITS } from './units.js';

function wirePort(p: PortSpec): ProcessPort {
  return {
    name: p.name,
    direction: p.direction,
    unit: p.unit,
    description: p.description,
    ...(p.default !== undefined ? { default: p.default } : {}),
    feedthrough: p.direction === 'in' && p.feedthrough !== false,
  };
}

function describeType(type: AnyComponentType): ProcessComponentType {
  const defaults = type.properties.parse({}) as Record<string, unknown>;
  return {
    type: type.type,
    title: type.title,
    description: type.description,
    category: type.category,
    propertiesSchema: z.toJSONSchema(type.properties, {
      io: 'input',
      unrepresentable: 'any',
      target: 'draft-2020-12',
    }) as Record<string, unknown>,
    defaults,
    ports: type.ports(defaults).map(wirePort),
    // A type without a template has the same ports whatever its properties.
    portTemplate: (type.portTemplate ?? type.ports(defaults)).map((p: PortTemplate) => ({
      ...wirePort(p),
      ...(p.repeat !== undefined ? { repeat: p.repeat } : {}),
    })),
    unitProperties: { ...(type.unitProperties ?? {}) },
  };
}

/** The component catalogue: each type with its property JSON Schema, defaults and ports; the units. */
export function processCatalogue(): ProcessCatalogue {
  return {
    componentTypes: COMPONENT_TYPES.map(describeType),
    units: Object.values(UNITS).map((u) => ({ symbol: u.symbol, title: u.title, dimension: dimensionText(u.symbol) })),
  };
}

/** What a run of a catalog model needs beyond the model. */
export interface ModelRunOptions {
  readonly name: string;
  readonly description?: string;
  /** A duration ("2h", seconds) — else the caller gives it when it runs. */
  readonly duration?: string | number;
  readonly seed?: number;
  readonly start?: string;
  readonly step_s?: number;
  readonly method?: 'rk4' | 'euler';
  readonly ledger?: { readonly interval_s?: number; readonly deadband?: number };
  readonly telemetryInterval?: string | number;
}

/**
 * A catalog model (components with type and properties, connections by the seed's four fields) as a process
 * scenario document: resolve it with the scenario loader (`resolveScenarioObject`) to get the frozen, hashed
 * scenario, with every problem located (`process.components[2].properties.kp`). The stored `ports` of a
 * component are left out: its type defines its ports. Order is kept, so the same model gives the same hash.
 */
export function modelToScenario(model: ProcessModelInput, options: ModelRunOptions): JsonObject {
  const process: JsonObject = {
    components: model.components.map((c) => ({
      id: c.id,
      type: c.type,
      ...(c.name !== undefined ? { name: c.name } : {}),
      properties: (c.properties ?? {}) as JsonObject,
    })),
    connections: model.connections.map((w) => ({
      source_component_id: w.source_component_id,
      source_port: w.source_port,
      target_component_id: w.target_component_id,
      target_port: w.target_port,
    })),
  };
  if (options.step_s !== undefined) process.step_s = options.step_s;
  if (options.method !== undefined) process.method = options.method;
  if (options.ledger !== undefined) process.ledger = { ...options.ledger };
  const doc: JsonObject = { doppel: 1, name: options.name, pack: 'process', process };
  if (options.description !== undefined) doc.description = options.description;
  if (options.duration !== undefined) doc.duration = options.duration;
  if (options.seed !== undefined) doc.seed = options.seed;
  if (options.start !== undefined) doc.start = options.start;
  if (options.telemetryInterval !== undefined) doc.telemetry = { interval: options.telemetryInterval };
  return doc;
}
