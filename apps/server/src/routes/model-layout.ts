import { modelLayoutSchema, type MachineModel, type ModelLayout } from '@doppel/twin/contracts';
import type { MachineModelRow } from '@doppel/catalog';
import { ServerError, ServerErrorCode } from '../errors.js';

/** A machine model as the catalog stores it: one document of its parts and the canvas layout. */
export type ModelDocument = Pick<MachineModel, 'components' | 'connections' | 'layout'>;

const EMPTY_LAYOUT: ModelLayout = { nodes: {}, viewport: null };

/** The stored document of a model row; a model saved before layouts were stored has an empty one. */
export function documentOf(row: MachineModelRow): ModelDocument {
  const doc = JSON.parse(row.model_json) as Omit<ModelDocument, 'layout'> & { layout?: unknown };
  const layout = modelLayoutSchema.safeParse(doc.layout ?? EMPTY_LAYOUT);
  return {
    components: doc.components,
    connections: doc.connections,
    layout: layout.success ? layout.data : EMPTY_LAYOUT,
  };
}

/** A layout that names only components of the model: the places of removed components are dropped. */
export function layoutFor(layout: ModelLayout, components: ModelDocument['components']): ModelLayout {
  const ids = new Set(components.map((c) => c.id));
  return { ...layout, nodes: Object.fromEntries(Object.entries(layout.nodes).filter(([id]) => ids.has(id))) };
}

/**
 * Refuses (422, located at `place.nodes.<id>`) a layout that places a component the model does not have: a client
 * sending it is drawing another version of the model than the one it saves.
 */
export function assertLayoutFits(layout: ModelLayout, components: ModelDocument['components'], place: string): void {
  const ids = new Set(components.map((c) => c.id));
  const issues = Object.keys(layout.nodes)
    .filter((id) => !ids.has(id))
    .map((id) => ({ path: `${place}.nodes.${id}`, message: `the model has no component "${id}"` }));
  if (issues.length === 0) return;
  throw new ServerError(
    ServerErrorCode.Validation,
    `The layout places components the model does not have: ${issues
      .slice(0, 3)
      .map((i) => i.path)
      .join(', ')}${issues.length > 3 ? ` (and ${issues.length - 3} more)` : ''}`,
    { issues },
  );
}
