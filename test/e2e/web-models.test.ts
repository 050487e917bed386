/**
 * The Models view in Chromium against the real server: a project and a model created, components dragged from
 * the palette and added from the keyboard, a wire of the wrong units refused with the reason, ports connected,
 * properties edited in the form generated from the component's schema, undo/redo, save, and a run whose live chart
 * moves. An axe-core audit of the view. Screenshots: test-output/screenshots/models-*.png.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, skipBrowser, startRig, type BrowserRig } from './browser-helpers.js';

describe.skipIf(skipBrowser)('web Models view (Chromium)', () => {
  let rig: BrowserRig;
  let page: Page;

  beforeAll(async () => {
    rig = await startRig({ width: 1400, height: 1000 });
    page = rig.page;
  }, 240_000);
  afterAll(async () => {
    await rig?.close();
  });

  const shot = (name: string): Promise<string> => rig.shot(`models-${name}`);
  const expectAxeClean = async (view: string): Promise<void> => {
    const found = await axeViolations(page);
    expect(found, `axe on ${view}: ${JSON.stringify(found, null, 1)}`).toEqual([]);
  };
  const notice = () => page.getByTestId('model-notice');
  const connect = async (from: string, to: string): Promise<void> => {
    await page.getByLabel('From output').selectOption(from);
    await page.getByLabel('To input').selectOption(to);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
  };

  it('opens from the rail: a project and an empty model', async () => {
    await page.goto(rig.startUrl);
    await page.waitForURL(/#\/city\//, { timeout: 60_000 });
    await page.getByRole('link', { name: 'Models' }).click();
    await page.waitForURL(/#\/models/);
    await expect.poll(() => page.getByText('No model open').count(), { timeout: 30_000 }).toBe(1);
    await page.getByLabel('New project name').fill('Hot water');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('button', { name: '+ New model in Hot water' }).click();
    await page.waitForURL(/#\/models\/mdl_/);
    await expect.poll(() => page.getByRole('button', { name: 'Add Tank' }).count(), { timeout: 30_000 }).toBe(1);
    await expectAxeClean('models, empty model');
    await shot('01-empty');
  }, 120_000);

  it('drags and adds components, refuses a wire of the wrong units, connects, edits, undoes and saves', async () => {
    // Dragged from the palette onto the canvas, and added from the keyboard.
    await page.getByRole('button', { name: 'Add Source' }).dragTo(page.getByLabel('Model canvas'));
    await expect.poll(() => notice().textContent()).toContain('Added Source source_1');
    await page.getByRole('button', { name: 'Add Heater' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Add Tank' }).click();
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(3);

    await connect('tank_1.level', 'heater_1.power');
    await expect
      .poll(() => notice().textContent())
      .toMatch(/Connection refused: units differ: .*tank_1\.level gives m/);
    await shot('02-refused');
    await connect('source_1.out', 'heater_1.power');
    await connect('heater_1.heat', 'tank_1.heat');
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(2);

    // The properties form is generated from the source's schema.
    await page.getByLabel('Component', { exact: true }).selectOption('source_1');
    await page.locator('#prop-source_1-value').fill('4000');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => notice().textContent()).toContain('Changed source_1');

    // Undo takes the wire back, redo returns it.
    await page.getByRole('button', { name: 'Undo' }).click();
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(1);
    await page.getByRole('button', { name: 'Redo' }).click();
    await page.getByRole('button', { name: 'Redo' }).click();
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(2);
    expect(await page.locator('#prop-source_1-value').inputValue()).toBe('4000');

    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => notice().textContent()).toBe('Saved to the catalog');
    await expectAxeClean('models, edited model');
    await shot('03-wired');
  }, 120_000);

  it('runs the model and the live chart of a picked port moves', async () => {
    await page.getByLabel('Signal').selectOption('tank_1.temperature');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const chart = page.getByTestId('model-chart');
    await expect.poll(() => chart.count(), { timeout: 30_000 }).toBe(1);
    const points = async (): Promise<number> => Number(await chart.getAttribute('data-points'));
    const first = await points();
    await expect.poll(points, { timeout: 30_000 }).toBeGreaterThan(first + 2);
    // The canvas shows the live value of each output on its port.
    await expect.poll(() => page.locator('.model-node .live').count()).toBeGreaterThan(3);
    await shot('04-running');
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => page.getByTestId('run-state').textContent()).toContain('paused');
    const before = await page.getByTestId('run-state').textContent();
    await page.getByRole('button', { name: 'Step' }).click();
    await expect.poll(() => page.getByTestId('run-state').textContent()).not.toBe(before);
    await expectAxeClean('models, running');
    await shot('05-paused');
    expect(rig.consoleErrors).toEqual([]);
  }, 120_000);
});
