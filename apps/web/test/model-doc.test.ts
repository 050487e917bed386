import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ProcessCatalogue, ProcessComponentType, ProcessModelConnection, ProcessPort } from '@doppel/client';
import {
  commit,
  historyOf,
  present,
  undo,
  wireEndsExist,
  withProperties,
  type ModelDoc,
} from '../src/views/models/model-doc.js';

const port = (
  name: string,
  direction: 'in' | 'out',
  unit: string,
  repeat?: string,
): ProcessPort & { repeat?: string } => ({
  name,
  direction,
  unit,
  description: name,
  feedthrough: direction === 'in',
  ...(repeat === undefined ? {} : { repeat }),
});
const type = (
  name: string,
  portTemplate: ProcessComponentType['portTemplate'],
  defaults = {},
): ProcessComponentType => ({
  type: name,
  title: name,
  description: name,
  category: 'process',
  propertiesSchema: {},
  defaults,
  ports: portTemplate.filter((p) => p.repeat === undefined),
  portTemplate,
  unitProperties: {},
});
// The catalogue's mixer and tank as the server ships them, reduced to their temperature ports (the web UI reads the
// catalogue from the API; the Chromium test drives the real one).
const catalogue: ProcessCatalogue = {
  componentTypes: [
    type('tank', [port('inlet_temperature', 'in', 'degC'), port('temperature', 'out', 'degC')]),
    type('mixer', [port('temperature_{i}', 'in', 'degC', 'inlets'), port('temperature', 'out', 'degC')], {
      inlets: 2,
    }),
  ],
  units: [{ symbol: 'degC', title: 'degree Celsius', dimension: 'temperature' }],
};
const wire = (from: string, to: string): ProcessModelConnection => {
  const [a = '', ap = ''] = from.split('.');
  const [b = '', bp = ''] = to.split('.');
  return { source_component_id: a, source_port: ap, target_component_id: b, target_port: bp };
};

/** Two tanks feeding a four-inlet mixer on inlets 1 and 4, the mixer feeding a third tank. */
const DOC: ModelDoc = {
  components: [
    { component: { id: 'tank_1', type: 'tank', properties: {} }, x: 0, y: 0 },
    { component: { id: 'tank_2', type: 'tank', properties: {} }, x: 0, y: 240 },
    { component: { id: 'mixer_1', type: 'mixer', properties: { inlets: 4 } }, x: 240, y: 0 },
    { component: { id: 'tank_3', type: 'tank', properties: {} }, x: 480, y: 0 },
  ],
  connections: [
    wire('tank_1.temperature', 'mixer_1.temperature_1'),
    wire('tank_2.temperature', 'mixer_1.temperature_4'),
    wire('mixer_1.temperature', 'tank_3.inlet_temperature'),
  ],
};

describe("a component's properties edited on the canvas", () => {
  it('takes away at once the wires to the ports a smaller arity no longer gives, and only those', () => {
    expect(DOC.connections.every((w) => wireEndsExist(catalogue, DOC, w))).toBe(true);
    const edit = withProperties(catalogue, DOC, 'mixer_1', { inlets: 2 });
    expect(edit.dropped).toEqual([wire('tank_2.temperature', 'mixer_1.temperature_4')]);
    expect(edit.doc.connections).toEqual([DOC.connections[0], DOC.connections[2]]);
    expect(edit.doc.components[2]?.component.properties).toEqual({ inlets: 2 });
    expect(edit.doc.connections.every((w) => wireEndsExist(catalogue, edit.doc, w))).toBe(true);
  });

  it('is one edit: undo brings back the old arity with its wires', () => {
    const edited = commit(historyOf(DOC), withProperties(catalogue, DOC, 'mixer_1', { inlets: 2 }).doc);
    expect(present(undo(edited))).toEqual(DOC);
  });

  it('keeps every wire whose ports remain, whatever the new arity (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 8 }), (inlets) => {
        const edit = withProperties(catalogue, DOC, 'mixer_1', { inlets });
        // Left: every wire of the new document has both ends; nothing else went.
        expect(edit.doc.connections.every((w) => wireEndsExist(catalogue, edit.doc, w))).toBe(true);
        expect(edit.doc.connections.length + edit.dropped.length).toBe(DOC.connections.length);
        expect(edit.dropped.length).toBe(inlets >= 4 ? 0 : 1);
      }),
    );
  });

  it('leaves the wires of other components alone', () => {
    const edit = withProperties(catalogue, DOC, 'tank_3', { area_m2: 2 });
    expect(edit.dropped).toEqual([]);
    expect(edit.doc.connections).toEqual(DOC.connections);
  });
});
