/**
 * The canvas layout of a machine model lives in the catalog: components moved on the canvas and the canvas panned
 * are saved with the model (the view alone once the model is saved), read back over the API, and drawn the same
 * after a reload of the page. Screenshots: test-output/screenshots/model-layout-*.png.
 */
import type { MachineModel, ModelLayout, Project } from '@doppel/client';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiGet, apiPost, axeViolations, browserView, skipBrowser } from './browser-helpers.js';

describe.skipIf(skipBrowser)('web Models view keeps the canvas layout in the catalog (Chromium)', () => {
  const browser = browserView('model-layout', { width: 1400, height: 900 });
  let model: MachineModel;

  beforeAll(async () => {
    const rig = browser.rig;
    const project = await apiPost<Project>(rig, '/api/v1/projects', { name: 'Layout' });
    model = await apiPost<MachineModel>(rig, `/api/v1/projects/${project.id}/models`, {
      name: 'heated tank',
      components: [
        { id: 'power', type: 'source', properties: { value: 2000, unit: 'W' } },
        { id: 'heater', type: 'heater', properties: {} },
        { id: 'tank', type: 'tank', properties: {} },
      ],
      connections: [
        { source_component_id: 'power', source_port: 'out', target_component_id: 'heater', target_port: 'power' },
        { source_component_id: 'heater', source_port: 'heat', target_component_id: 'tank', target_port: 'heat' },
      ],
    });
  });

  const node = (id: string) => browser.page.locator(`.react-flow__node[data-id="${id}"]`);
  /** A node's place on the canvas, from the transform React Flow draws it with. */
  const placeOf = async (id: string): Promise<{ x: number; y: number }> => {
    const t = (await node(id).getAttribute('style')) ?? '';
    const m = /translate\((-?[\d.]+)px, ?(-?[\d.]+)px\)/.exec(t);
    if (m === null) throw new Error(`no translate in "${t}"`);
    return { x: Number(m[1]), y: Number(m[2]) };
  };
  /** The pan and zoom React Flow draws the canvas at. */
  const viewOf = async (): Promise<{ x: number; y: number; zoom: number }> => {
    const t = (await browser.page.locator('.react-flow__viewport').getAttribute('style')) ?? '';
    const m = /translate\((-?[\d.]+)px, ?(-?[\d.]+)px\) scale\(([\d.]+)\)/.exec(t);
    if (m === null) throw new Error(`no transform in "${t}"`);
    return { x: Number(m[1]), y: Number(m[2]), zoom: Number(m[3]) };
  };
  const open = async (): Promise<void> => {
    await browser.page.evaluate(`location.hash = '#/models/${model.id}'`);
    await expect.poll(() => node('tank').count(), { timeout: 30_000 }).toBe(1);
  };
  const layout = (): Promise<ModelLayout> => apiGet<ModelLayout>(browser.rig, `/api/v1/models/${model.id}/layout`);

  it('saves moved components with the model and the panned view on its own', async () => {
    await browser.page.goto(browser.rig.startUrl);
    await browser.page.waitForURL(/#\/city\//, { timeout: 60_000 });
    await open();
    expect(await layout()).toEqual({ nodes: {}, viewport: null });

    // Drag the tank by its title 150 px right and 90 px down (at zoom 1 or less: the model fits the view).
    const before = await placeOf('tank');
    const box = await node('tank').boundingBox();
    if (box === null) throw new Error('the tank is not drawn');
    await browser.page.mouse.move(box.x + 30, box.y + 12);
    await browser.page.mouse.down();
    await browser.page.mouse.move(box.x + 100, box.y + 60, { steps: 5 });
    await browser.page.mouse.move(box.x + 180, box.y + 102, { steps: 5 });
    await browser.page.mouse.up();
    await expect.poll(() => browser.page.getByText('unsaved changes').count()).toBe(1);
    const moved = await placeOf('tank');
    expect(moved.x).toBeGreaterThan(before.x + 20);
    await browser.page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => browser.page.getByTestId('model-notice').textContent()).toBe('Saved to the catalog');
    const saved = await layout();
    expect(Object.keys(saved.nodes).sort()).toEqual(['heater', 'power', 'tank']);
    expect(saved.nodes.tank).toEqual(moved);

    // Pan the empty canvas: the model is saved, so the view is saved at once.
    const pane = await browser.page.locator('.react-flow__pane').boundingBox();
    if (pane === null) throw new Error('no canvas pane');
    await browser.page.mouse.move(pane.x + pane.width - 40, pane.y + pane.height - 40);
    await browser.page.mouse.down();
    await browser.page.mouse.move(pane.x + pane.width - 140, pane.y + pane.height - 100, { steps: 8 });
    await browser.page.mouse.up();
    await expect.poll(async () => (await layout()).viewport, { timeout: 10_000 }).not.toBeNull();
    const view = (await layout()).viewport;
    await browser.shot('01-moved');

    // A reload draws the tank where it was left, under the view it was left at.
    await browser.page.reload();
    await open();
    await expect.poll(() => placeOf('tank')).toEqual(moved);
    if (view === null) throw new Error('no view saved');
    await expect.poll(async () => (await viewOf()).x).toBe(view.x);
    expect((await viewOf()).y).toBe(view.y);
    expect((await viewOf()).zoom).toBeCloseTo(view.zoom, 5);
    const found = await axeViolations(browser.page);
    expect(found, JSON.stringify(found, null, 1)).toEqual([]);
    await browser.shot('02-reloaded');
    expect(browser.rig.consoleErrors).toEqual([]);
  }, 180_000);
});
