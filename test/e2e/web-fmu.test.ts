/**
 * FMUs in the Models view, in Chromium against the real server: archives the server refuses show its located error,
 * an FMU dropped on the upload zone is listed with what identifies it and its modelDescription.xml, dragged into a
 * model it is a component whose ports are its inputs and outputs, wired to a built-in source it runs to the first-order
 * lag's analytic answer, a .fmu file dropped on the canvas is uploaded and placed, and deleting an FMU says which
 * models use it. axe-core audits each state; screenshots at 1440 and 1024 px: test-output/screenshots/fmu-*.png.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fmuEntries, TEST_FMUS, testFmu, zipFmu } from '@doppel/bridge-fmi/testing';
import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserView, skipBrowser } from './browser-helpers.js';

describe.skipIf(skipBrowser)('web FMUs (Chromium)', () => {
  const view = browserView('fmu', { width: 1440, height: 1000 });
  const { shot, expectAxeClean } = view;
  const notice = () => view.page.getByTestId('model-notice');
  const lag = readFileSync(testFmu('lag'));

  /** Drops a file on an element as the desktop does: a drop event whose DataTransfer holds the file. */
  const dropFile = async (target: Locator, name: string, bytes: Uint8Array): Promise<void> => {
    // Page code as text: the tests compile without the DOM library.
    const data = await view.page.evaluateHandle(`(() => {
      const text = atob(${JSON.stringify(Buffer.from(bytes).toString('base64'))});
      const array = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) array[i] = text.charCodeAt(i);
      const transfer = new DataTransfer();
      transfer.items.add(new File([array], ${JSON.stringify(name)}));
      return transfer;
    })()`);
    await target.dispatchEvent('dragover', { dataTransfer: data });
    await target.dispatchEvent('drop', { dataTransfer: data });
  };
  const pick = (name: string, bytes: Uint8Array) =>
    view.page
      .getByLabel('FMU file to upload')
      .setInputFiles({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });
  /** Both widths the view must work at: 1440 px (the test's window) and 1024 px. */
  const shots = async (name: string): Promise<void> => {
    await shot(`${name}-1440`);
    await view.page.setViewportSize({ width: 1024, height: 800 });
    await shot(`${name}-1024`);
    await expectAxeClean(`${name} at 1024 px`);
    await view.page.setViewportSize({ width: 1440, height: 1000 });
  };

  it('refuses archives that are no co-simulation FMU with the located error the server gives', async () => {
    await view.page.goto(view.rig.startUrl);
    await view.page.waitForURL(/#\/city\//, { timeout: 60_000 });
    await view.page.getByRole('link', { name: 'Models' }).click();
    await view.page.getByRole('link', { name: 'Upload an FMU' }).click();
    await view.page.waitForURL(/#\/fmus$/);
    await expect.poll(() => view.page.getByText('No FMUs yet').count(), { timeout: 30_000 }).toBe(1);
    await expectAxeClean('FMU library, empty');

    const refusal = view.page.getByRole('alert');
    await pick('notes.fmu', new TextEncoder().encode('this is not a zip'));
    await expect.poll(() => refusal.textContent(), { timeout: 30_000 }).toContain('notes.fmu');
    expect(await refusal.textContent()).toContain('DOPPEL_ERR_FMU');

    const entries = fmuEntries(TEST_FMUS.lag);
    await pick(
      'nodescription.fmu',
      zipFmu({ 'binaries/linux64/lag.so': entries['binaries/linux64/lag.so'] as Uint8Array }),
    );
    await expect.poll(() => refusal.textContent()).toContain('nodescription.fmu');
    expect(await refusal.textContent()).toContain('modelDescription.xml');

    const xml = new TextDecoder()
      .decode(entries['modelDescription.xml'])
      .replace(/<CoSimulation\b/, '<ModelExchange')
      .replace(/<\/CoSimulation>/, '</ModelExchange>');
    await pick('me.fmu', zipFmu({ ...entries, 'modelDescription.xml': new TextEncoder().encode(xml) }));
    await expect.poll(() => refusal.textContent()).toContain('me.fmu/modelDescription.xml');
    expect(await refusal.textContent()).toContain('model exchange only');
    expect(await view.page.getByText('No FMUs yet').count()).toBe(1);
    await expectAxeClean('FMU library, upload refused');
    await shots('01-refused');
    // The browser logs each refused upload's answer; nothing else went wrong.
    expect(view.rig.consoleErrors).toEqual(Array(3).fill(expect.stringContaining('status of 422')));
    view.rig.consoleErrors.length = 0;
  }, 120_000);

  it('takes an FMU dropped on the upload zone, lists it and shows its modelDescription', async () => {
    await dropFile(view.page.getByTestId('fmu-drop-zone'), 'lag.fmu', lag);
    await view.page.waitForURL(/#\/fmus\/fmu_/, { timeout: 30_000 });
    const list = view.page.getByRole('table', { name: 'FMUs of this account' });
    const row = list.getByRole('row').filter({ hasText: 'lag.fmu' });
    await expect.poll(() => row.count(), { timeout: 30_000 }).toBe(1);
    const cells = await row.getByRole('cell').allTextContents();
    expect(cells).toContain('2.0');
    expect(cells.join(' ')).toContain('1 in · 1 out');
    expect(await row.locator('code').getAttribute('title')).toBe(createHash('sha256').update(lag).digest('hex'));

    const details = view.page.getByRole('region', { name: 'FMU lag.fmu' });
    const table = (caption: string) => details.getByRole('table', { name: new RegExp(`^${caption}`) });
    expect(await table('Inputs').getByRole('rowheader').allTextContents()).toEqual(['u']);
    expect(await table('Outputs').locator('tbody tr').allTextContents()).toEqual([expect.stringMatching(/^yReal.*K/)]);
    expect(await table('Parameters').locator('tbody tr').allTextContents()).toEqual([
      expect.stringMatching(/^TRealfixed1s/),
    ]);
    expect(await details.textContent()).toContain(createHash('sha256').update(lag).digest('hex'));
    await expectAxeClean('FMU library, one FMU shown');
    await shots('02-listed');
  }, 120_000);

  it('drags the FMU into a model, wires it to a source, runs it and shows its output', async () => {
    await view.page.getByLabel('New project name').fill('Co-simulation');
    await view.page.getByRole('button', { name: 'Create' }).click();
    await view.page.getByRole('button', { name: '+ New model in Co-simulation' }).click();
    await view.page.waitForURL(/#\/models\/mdl_/);
    const fmuButton = view.page.getByRole('button', { name: 'Add FMU lag.fmu' });
    await expect.poll(() => fmuButton.count(), { timeout: 30_000 }).toBe(1);
    await fmuButton.dragTo(view.page.getByLabel('Model canvas'));
    await expect.poll(() => notice().textContent()).toBe('Added FMU lag.fmu as lag_1');
    const node = view.page.locator('.react-flow__node[data-id="lag_1"]');
    expect(await node.locator('.port.in').allTextContents()).toEqual([expect.stringMatching(/^u/)]);
    expect(await node.locator('.port.out').textContent()).toMatch(/y\s*K/);

    // The FMU's parameter in the properties form, typed and labelled from its modelDescription.
    await view.page.getByLabel('T (s)').fill('2');
    await view.page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => notice().textContent()).toBe('Changed lag_1');

    await view.page.getByRole('button', { name: 'Add Source' }).click();
    await view.page.locator('#prop-source_1-value').fill('2');
    await view.page.getByRole('button', { name: 'Apply' }).click();
    await view.page.getByLabel('From output').selectOption('source_1.out');
    await view.page.getByLabel('To input').selectOption('lag_1.u');
    await view.page.getByRole('button', { name: 'Connect', exact: true }).click();
    await expect.poll(() => notice().textContent()).toBe('Connected source_1.out → lag_1.u');
    // An output is no input: the canvas refuses the wire before the server would.
    await view.page.getByLabel('To input').selectOption('lag_1.u');
    await view.page.getByLabel('From output').selectOption('lag_1.y');
    await view.page.getByRole('button', { name: 'Connect', exact: true }).click();
    await expect.poll(() => notice().textContent()).toContain('Connection refused');

    await view.page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => notice().textContent()).toBe('Saved to the catalog');
    await view.page.getByLabel('Signal').selectOption('lag_1.y');
    await view.page.getByRole('button', { name: 'Run', exact: true }).click();
    const chart = view.page.getByTestId('model-chart');
    await expect.poll(() => chart.count(), { timeout: 30_000 }).toBe(1);
    await expect
      .poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 30_000 })
      .toBeGreaterThan(3);
    await view.page
      .getByRole('toolbar', { name: 'Transport' })
      .getByRole('button', { name: /^Pause/ })
      .click();
    await expect.poll(() => view.page.getByTestId('run-state').textContent()).toContain('paused');

    // T·dy/dt = 2 − y from y = 0: the value shown at the paused instant is the analytic one, to the last
    // communication point (one model step) and the two decimals shown.
    const t = Number(/t = ([\d.]+)/.exec((await view.page.getByTestId('run-state').textContent()) ?? '')?.[1]);
    const shown = Number(await node.locator('.live').textContent());
    expect(t).toBeGreaterThan(0.5);
    // A run of seconds shows seconds on the transport clock (it read 00:00 for the whole run).
    const clock = await view.page.getByRole('toolbar', { name: 'Transport' }).locator('.tp-time strong').textContent();
    expect(clock).toBe(`00:00:${String(Math.floor(t)).padStart(2, '0')}`);
    expect(Math.abs(shown - 2 * (1 - Math.exp(-t / 2)))).toBeLessThan(0.12);
    await expectAxeClean('model with an FMU, paused');
    await shots('03-running');
    expect(view.rig.consoleErrors).toEqual([]);
  }, 120_000);

  it('uploads a .fmu file dropped on the canvas and places it there (FMI 3.0)', async () => {
    await dropFile(view.page.getByLabel('Model canvas'), 'lag3.fmu', readFileSync(testFmu('lag3')));
    await expect.poll(() => notice().textContent(), { timeout: 30_000 }).toBe('Added FMU lag3.fmu as lag_2');
    const node = view.page.locator('.react-flow__node[data-id="lag_2"]');
    await expect.poll(() => node.locator('.port').count(), { timeout: 30_000 }).toBe(2);
    expect(await node.textContent()).toContain('FMU lag3.fmu');
    await dropFile(view.page.getByLabel('Model canvas'), 'notes.txt', new TextEncoder().encode('no'));
    await expect.poll(() => notice().textContent()).toBe('Drop a .fmu file on the canvas (got notes.txt)');
  }, 120_000);

  it('deletes an FMU after saying which models use it', async () => {
    await view.page.getByRole('link', { name: 'Manage FMUs' }).click();
    await view.page.waitForURL(/#\/fmus$/);
    const row = view.page.getByRole('row').filter({ hasText: 'lag.fmu' }).filter({ hasNotText: 'lag3' });
    await row.getByRole('button', { name: 'Delete lag.fmu' }).click();
    const confirm = view.page.getByRole('alertdialog', { name: 'Delete lag.fmu?' });
    expect(await confirm.textContent()).toContain('Used by Model 1 (Co-simulation)');
    await expectAxeClean('FMU library, confirming a delete');
    await shots('04-confirm-delete');
    await confirm.getByRole('button', { name: 'Delete lag.fmu' }).click();
    await expect.poll(() => row.count(), { timeout: 30_000 }).toBe(0);
    expect(await view.page.getByRole('row').filter({ hasText: 'lag3.fmu' }).count()).toBe(1);

    // The model that used it says so on the canvas rather than showing a component without ports.
    await view.page.getByRole('link', { name: 'Model 1' }).click();
    const node = view.page.locator('.react-flow__node[data-id="lag_1"]');
    await expect.poll(() => node.textContent(), { timeout: 30_000 }).toContain('FMU not in this account');
    await shot('05-deleted-in-model');
    expect(view.rig.consoleErrors).toEqual([]);
  }, 120_000);
});
