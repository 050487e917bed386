/**
 * The Models view in Chromium against the real server: a project and a model created, components dragged from
 * the palette and added from the keyboard, a wire of the wrong units refused with the reason, ports connected,
 * properties edited in the form generated from the component's schema (fewer inlets take their wires with them),
 * undo/redo, save, and a run whose live chart moves. An axe-core audit of the view. Screenshots: test-output/screenshots/models-*.png.
 */
import { describe, expect, it } from 'vitest';
import { browserView, skipBrowser } from './browser-helpers.js';

describe.skipIf(skipBrowser)('web Models view (Chromium)', () => {
  const view = browserView('models', { width: 1400, height: 1000 });
  const { shot, expectAxeClean } = view;
  const notice = () => view.page.getByTestId('model-notice');
  const connect = async (from: string, to: string): Promise<void> => {
    await view.page.getByLabel('From output').selectOption(from);
    await view.page.getByLabel('To input').selectOption(to);
    await view.page.getByRole('button', { name: 'Connect', exact: true }).click();
  };

  it('opens from the rail: a project and an empty model', async () => {
    await view.page.goto(view.rig.startUrl);
    await view.page.waitForURL(/#\/city\//, { timeout: 60_000 });
    await view.page.getByRole('link', { name: 'Models' }).click();
    await view.page.waitForURL(/#\/models/);
    await expect.poll(() => view.page.getByText('No model open').count(), { timeout: 30_000 }).toBe(1);
    await view.page.getByLabel('New project name').fill('Hot water');
    await view.page.getByRole('button', { name: 'Create' }).click();
    await view.page.getByRole('button', { name: '+ New model in Hot water' }).click();
    await view.page.waitForURL(/#\/models\/mdl_/);
    await expect.poll(() => view.page.getByRole('button', { name: 'Add Tank' }).count(), { timeout: 30_000 }).toBe(1);
    await expectAxeClean('models, empty model');
    await shot('01-empty');
  }, 120_000);

  it('drags and adds components, refuses a wire of the wrong units, connects, edits, undoes and saves', async () => {
    // Dragged from the palette onto the canvas, and added from the keyboard.
    await view.page.getByRole('button', { name: 'Add Source' }).dragTo(view.page.getByLabel('Model canvas'));
    await expect.poll(() => notice().textContent()).toContain('Added Source source_1');
    await view.page.getByRole('button', { name: 'Add Heater' }).focus();
    await view.page.keyboard.press('Enter');
    await view.page.getByRole('button', { name: 'Add Tank' }).click();
    await expect.poll(() => view.page.locator('.react-flow__node').count()).toBe(3);

    await connect('tank_1.level', 'heater_1.power');
    await expect
      .poll(() => notice().textContent())
      .toMatch(/Connection refused: units differ: .*tank_1\.level gives m/);
    await shot('02-refused');
    await connect('source_1.out', 'heater_1.power');
    await connect('heater_1.heat', 'tank_1.heat');
    await expect.poll(() => view.page.locator('.react-flow__edge').count()).toBe(2);

    // The properties form is generated from the source's schema.
    await view.page.getByLabel('Component', { exact: true }).selectOption('source_1');
    await view.page.locator('#prop-source_1-value').fill('4000');
    await view.page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => notice().textContent()).toContain('Changed source_1');

    // Undo takes the wire back, redo returns it.
    await view.page.getByRole('button', { name: 'Undo' }).click();
    await view.page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => view.page.locator('.react-flow__edge').count()).toBe(1);
    await view.page.getByRole('button', { name: 'Redo' }).click();
    await view.page.getByRole('button', { name: 'Redo' }).click();
    await expect.poll(() => view.page.locator('.react-flow__edge').count()).toBe(2);
    expect(await view.page.locator('#prop-source_1-value').inputValue()).toBe('4000');

    await view.page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => notice().textContent()).toBe('Saved to the catalog');
    await expectAxeClean('models, edited model');
    await shot('03-wired');
  }, 120_000);

  it('runs the model and the live chart of a picked port moves', async () => {
    await view.page.getByLabel('Signal').selectOption('tank_1.temperature');
    await view.page.getByRole('button', { name: 'Run', exact: true }).click();
    const chart = view.page.getByTestId('model-chart');
    await expect.poll(() => chart.count(), { timeout: 30_000 }).toBe(1);
    // The signal with its port's unit.
    expect(await chart.locator('figcaption').textContent()).toBe('tank_1.temperature (degC)');
    const points = async (): Promise<number> => Number(await chart.getAttribute('data-points'));
    const first = await points();
    await expect.poll(points, { timeout: 30_000 }).toBeGreaterThan(first + 2);
    // The canvas shows the live value of each output on its port.
    await expect.poll(() => view.page.locator('.model-node .live').count()).toBeGreaterThan(3);
    await shot('04-running');
    // The same transport bar and time slider as the city's.
    const transport = view.page.getByRole('toolbar', { name: 'Transport' });
    await transport.getByRole('button', { name: /^Pause/ }).click();
    await expect.poll(() => view.page.getByTestId('run-state').textContent()).toContain('paused');
    const before = await view.page.getByTestId('run-state').textContent();
    await transport.getByRole('button', { name: /Step one minute/ }).click();
    await expect.poll(() => view.page.getByTestId('run-state').textContent()).not.toBe(before);
    expect(await transport.getByRole('slider').count()).toBeGreaterThan(0);
    await expectAxeClean('models, running');
    await shot('05-paused');
    expect(view.rig.consoleErrors).toEqual([]);
  }, 120_000);

  it("draws the ports a component's properties give: a mixer's inlets", async () => {
    await view.page.getByRole('button', { name: 'Add Mixer' }).click();
    const mixer = view.page.locator('.react-flow__node[data-id="mixer_1"]');
    await expect.poll(() => mixer.locator('.port.in').count()).toBe(4);
    await view.page.getByLabel('Component', { exact: true }).selectOption('mixer_1');
    await view.page.locator('#prop-mixer_1-inlets').fill('4');
    await view.page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => mixer.locator('.port.in').count()).toBe(8);
    expect(await mixer.textContent()).toContain('temperature_4');
    await connect('tank_1.temperature', 'mixer_1.temperature_4');
    await expect.poll(() => view.page.locator('.react-flow__edge').count()).toBe(3);
    await view.page.locator('.react-flow__controls-fitview').click();
    await shot('06-mixer-inlets');

    // Fewer inlets: the wire to an inlet that is gone goes with them, at once, and undo brings both back.
    await view.page.locator('#prop-mixer_1-inlets').fill('3');
    await view.page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => mixer.locator('.port.in').count()).toBe(6);
    await expect
      .poll(() => notice().textContent())
      .toBe('Changed mixer_1; removed the wires to ports it no longer has: tank_1.temperature → mixer_1.temperature_4');
    await expect.poll(() => view.page.locator('.react-flow__edge').count()).toBe(2);
    await view.page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => view.page.locator('.react-flow__edge').count()).toBe(3);
    await view.page.getByRole('button', { name: 'Redo' }).click();
    await expect.poll(() => view.page.locator('.react-flow__edge').count()).toBe(2);
    expect(view.rig.consoleErrors).toEqual([]);
  }, 120_000);
});
