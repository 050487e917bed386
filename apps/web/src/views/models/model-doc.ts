/**
 * The model being edited, as plain data with an undo history, and the checks the canvas makes before the server
 * does: which ports exist, and whether two ports' units can be connected (same dimension).
 */
import type {
  Fmu,
  MachineModel,
  ModelLayout,
  ProcessCatalogue,
  ProcessComponentType,
  ProcessModelComponent,
  ProcessModelConnection,
  ProcessPort,
} from '@doppel/client';
import { expandPortTemplate, fmuPorts } from '@doppel/twin/contracts';

/** The component type of an uploaded FMU on the canvas (its ports are its FMU's, not a template's). */
export const FMU_TYPE = 'fmu';

/**
 * What the canvas knows of component types: the process catalogue, and the account's FMUs by id, since an FMU
 * component's ports are the inputs and outputs of its FMU's modelDescription.xml.
 */
export type ModelCatalogue = ProcessCatalogue & { readonly fmus?: ReadonlyMap<string, Fmu> };

/** The uploaded FMU an FMU component runs (undefined: another type, or an FMU the account no longer has). */
export function fmuOf(catalogue: ModelCatalogue, c: ProcessModelComponent): Fmu | undefined {
  const id = c.type === FMU_TYPE ? c.properties?.fmu : undefined;
  return typeof id === 'string' ? catalogue.fmus?.get(id) : undefined;
}

export interface Placed {
  readonly component: ProcessModelComponent;
  readonly x: number;
  readonly y: number;
}

export interface ModelDoc {
  readonly components: readonly Placed[];
  readonly connections: readonly ProcessModelConnection[];
}

/** A history of documents: `at` is the present; undo and redo move along it. */
export interface History {
  readonly docs: readonly ModelDoc[];
  readonly at: number;
}

export const historyOf = (doc: ModelDoc): History => ({ docs: [doc], at: 0 });
export const present = (h: History): ModelDoc => h.docs[h.at] as ModelDoc;
export const commit = (h: History, doc: ModelDoc): History => ({
  docs: [...h.docs.slice(Math.max(0, h.at - 99), h.at + 1), doc],
  at: Math.min(h.at + 1, 100),
});
export const undo = (h: History): History => ({ ...h, at: Math.max(0, h.at - 1) });
export const redo = (h: History): History => ({ ...h, at: Math.min(h.docs.length - 1, h.at + 1) });

/** The document of a stored model: each component where the catalog's layout puts it (the next free cell if none). */
export function docOf(model: MachineModel): ModelDoc {
  let doc: ModelDoc = { components: [], connections: model.connections };
  for (const c of model.components) {
    const at = model.layout.nodes[c.id] ?? nextPlace(doc);
    doc = { ...doc, components: [...doc.components, { component: c, x: at.x, y: at.y }] };
  }
  return doc;
}

/** The layout the catalog keeps of a document: every component's place, and the view onto the canvas. */
export function layoutOf(doc: ModelDoc, viewport: ModelLayout['viewport']): ModelLayout {
  return { nodes: Object.fromEntries(doc.components.map((p) => [p.component.id, { x: p.x, y: p.y }])), viewport };
}

/** A fresh id for a component of a type: tank_1, tank_2, … */
export function freshId(type: string, doc: ModelDoc): string {
  const taken = new Set(doc.components.map((p) => p.component.id));
  for (let n = 1; ; n++) if (!taken.has(`${type}_${n}`)) return `${type}_${n}`;
}

/** Where a new component goes when added from the keyboard: the next cell of a loose grid. */
export function nextPlace(doc: ModelDoc): { x: number; y: number } {
  const n = doc.components.length;
  return { x: 40 + (n % 4) * 240, y: 40 + Math.floor(n / 4) * 240 };
}

export function typeOf(catalogue: ProcessCatalogue, type: string): ProcessComponentType | undefined {
  return catalogue.componentTypes.find((t) => t.type === type);
}

/** A component's ports for its properties (a mixer's inlets follow its `inlets`), as the server compiles them. */
export function portsOf(catalogue: ModelCatalogue, c: ProcessModelComponent): readonly ProcessPort[] {
  if (c.type === FMU_TYPE) {
    const fmu = fmuOf(catalogue, c);
    return fmu === undefined ? [] : fmuPorts(fmu.variables, (unit) => catalogue.units.some((u) => u.symbol === unit));
  }
  const type = typeOf(catalogue, c.type);
  if (type === undefined) return [];
  return expandPortTemplate(type.portTemplate, { ...type.defaults, ...c.properties });
}

/** A port's unit: its own, or the one a property fixes for a unit variable; null while nothing fixes it. */
export function unitOf(catalogue: ModelCatalogue, c: ProcessModelComponent, port: ProcessPort): string | null {
  if (!port.unit.startsWith('$')) return port.unit;
  const type = typeOf(catalogue, c.type);
  const prop = type?.unitProperties[port.unit];
  if (prop === undefined) return null;
  const value = c.properties?.[prop] ?? type?.defaults[prop];
  return typeof value === 'string' ? value : null;
}

/** Why a connection is refused, or null when the canvas accepts it (the server compiles it again on save). */
export function refusal(catalogue: ModelCatalogue, doc: ModelDoc, w: ProcessModelConnection): string | null {
  const find = (id: string) => doc.components.find((p) => p.component.id === id)?.component;
  const from = find(w.source_component_id);
  const to = find(w.target_component_id);
  if (from === undefined || to === undefined) return 'both ends must be components of the model';
  const out = portsOf(catalogue, from).find((p) => p.name === w.source_port && p.direction === 'out');
  const into = portsOf(catalogue, to).find((p) => p.name === w.target_port && p.direction === 'in');
  if (out === undefined) return `${from.id} has no output "${w.source_port}"`;
  if (into === undefined) return `${to.id} has no input "${w.target_port}"`;
  if (from.id === to.id) return 'a component cannot feed itself';
  const taken = doc.connections.find((c) => c.target_component_id === to.id && c.target_port === w.target_port);
  if (taken !== undefined) {
    return `${to.id}.${w.target_port} is already fed by ${taken.source_component_id}.${taken.source_port}`;
  }
  const a = unitOf(catalogue, from, out);
  const b = unitOf(catalogue, to, into);
  if (a === null || b === null) return null;
  const dim = (u: string) => catalogue.units.find((x) => x.symbol === u)?.dimension;
  if (dim(a) !== dim(b)) {
    return `units differ: ${from.id}.${out.name} gives ${a} (${dim(a) ?? '?'}) but ${to.id}.${into.name} takes ${b} (${dim(b) ?? '?'})`;
  }
  return null;
}

/** Whether both ends of a wire are ports its components have with their present properties. */
export function wireEndsExist(catalogue: ModelCatalogue, doc: ModelDoc, w: ProcessModelConnection): boolean {
  const has = (id: string, port: string, direction: ProcessPort['direction']): boolean => {
    const c = doc.components.find((p) => p.component.id === id)?.component;
    if (c === undefined) return false;
    // An FMU component whose FMU is not known here (still loading, or deleted) keeps its wires: its ports are unknown.
    if (c.type === FMU_TYPE && fmuOf(catalogue, c) === undefined) return true;
    return portsOf(catalogue, c).some((p) => p.name === port && p.direction === direction);
  };
  return has(w.source_component_id, w.source_port, 'out') && has(w.target_component_id, w.target_port, 'in');
}

/**
 * A component's new properties, as one edit with the wires to ports those properties no longer give (a mixer's
 * inlets shrank): those wires go at once, so the canvas never shows a wire the catalog would refuse on save, and
 * undo brings them back with the old properties.
 */
export function withProperties(
  catalogue: ModelCatalogue,
  doc: ModelDoc,
  id: string,
  properties: Readonly<Record<string, unknown>>,
): { readonly doc: ModelDoc; readonly dropped: readonly ProcessModelConnection[] } {
  const components = doc.components.map((p) =>
    p.component.id === id ? { ...p, component: { ...p.component, properties: { ...properties } } } : p,
  );
  const next: ModelDoc = { components, connections: doc.connections };
  const dropped = doc.connections.filter((w) => !wireEndsExist(catalogue, next, w));
  return { doc: { components, connections: doc.connections.filter((w) => !dropped.includes(w)) }, dropped };
}

export const wireText = (w: ProcessModelConnection): string =>
  `${w.source_component_id}.${w.source_port} → ${w.target_component_id}.${w.target_port}`;
