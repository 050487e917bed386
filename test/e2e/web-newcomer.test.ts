/**
 * The web UI as a newcomer meets it, in Chromium against the real server: signing in by pasting a start URL,
 * reaching stations by keyboard, typing times, the evening spike on the network wait chart, the same colours live
 * and scrubbed, the inspector's controls during a power cut, rewinding, the line running fast, creating a line from
 * its example, and an axe-core audit (WCAG 2.0/2.1 A and AA) of every view. Screenshots: test-output/screenshots/.
 */
import { describe, expect, it } from 'vitest';
import { apiGet, apiPost, browserView, skipBrowser } from './browser-helpers.js';

interface Row {
  name: string;
  status: string;
  queue: string;
  wait: string;
}

describe.skipIf(skipBrowser)('web UI for a newcomer (Chromium)', () => {
  const view = browserView('newcomer');
  const { shot, expectAxeClean } = view;
  let citySim = '';
  const clock = async (): Promise<string> =>
    (await view.page.getByTestId('sim-clock').locator('.time').textContent()) ?? '';
  const runTo = async (hhmm: string): Promise<void> => {
    await view.page.getByRole('textbox', { name: 'Run to local time (HH:MM)' }).fill(hhmm);
    await view.page.getByRole('button', { name: 'Run to that time' }).click();
    await expect.poll(clock, { timeout: 60_000 }).toBe(`${hhmm}:00`);
  };
  const stationRows = async (): Promise<Row[]> =>
    view.page.locator('.station-row').evaluateAll((rows) =>
      rows.map((r) => {
        const cells = [...r.children].map((c) => (c.textContent ?? '').trim());
        return { name: cells[0], status: cells[1].replace(/^[^A-Za-z]+/, ''), queue: cells[2], wait: cells[3] };
      }),
    );
  const slider = () => view.page.getByRole('slider', { name: /Time slider/ });
  const openStationList = async (): Promise<void> => {
    const toggle = view.page.getByRole('button', { name: 'Station list' });
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  };
  const inspector = () => view.page.getByRole('complementary', { name: /Station inspector/ });

  it('signs in when a start URL is pasted into a tab already on the app, and drops the key from the address bar', async () => {
    await view.page.goto(`${view.rig.server.url}/`);
    await view.page.getByRole('textbox', { name: 'API key' }).waitFor({ timeout: 30_000 });
    await expectAxeClean('sign-in');
    await shot('01-sign-in');
    // The same tab, the start URL pasted: only the fragment changes, so the page is not loaded again.
    await view.page.evaluate<void>(
      `window.stayedHere = true; window.location.href = ${JSON.stringify(view.rig.startUrl)};`,
    );
    await view.page.waitForURL(/#\/city\//, { timeout: 30_000 });
    expect(await view.page.evaluate<boolean>('window.stayedHere === true')).toBe(true);
    expect(view.page.url()).not.toMatch(/key=/);
    await view.page.getByTestId('city-canvas').waitFor();
    citySim = decodeURIComponent(/#\/city\/([^?]+)/.exec(view.page.url())?.[1] ?? '');
    await shot('02-signed-in-by-paste');
  }, 60_000);

  it('lists simulations with no accessibility violations', async () => {
    await view.page.getByRole('link', { name: 'Simulations' }).click();
    await view.page.getByRole('heading', { name: 'Simulations' }).waitFor();
    await view.page.locator('table.data tbody tr').first().waitFor();
    await expectAxeClean('simulations list');
    await shot('03-simulations');
  }, 60_000);

  it('reaches stations by keyboard through the station list', async () => {
    await view.page.goto(`${view.rig.server.url}/#/city/${encodeURIComponent(citySim)}`);
    await view.page.getByTestId('city-canvas').waitFor();
    const list = view.page.getByRole('button', { name: 'Station list' });
    await list.focus();
    await view.page.keyboard.press('Enter');
    await view.page.getByRole('searchbox', { name: 'Filter stations' }).waitFor();
    await view.page.keyboard.type('Paris 03');
    await expect.poll(async () => (await stationRows()).map((r) => r.name)).toEqual(['Paris 03']);
    await view.page.keyboard.press('Tab');
    await view.page.keyboard.press('Enter');
    await inspector().waitFor();
    expect(await inspector().getAttribute('aria-label')).toMatch(/Paris 03/);
    await shot('04-station-list-keyboard');
    await view.page.getByRole('button', { name: 'Close inspector' }).click();
    await view.page.getByRole('searchbox', { name: 'Filter stations' }).fill('');
    await expectAxeClean('city map with the station list');
  }, 60_000);

  it('takes typed times as times of the day shown, refuses the past in words, and ends the day at 24:00', async () => {
    const ticks = await view.page.locator('.ts-ticks span').allTextContents();
    expect(ticks[ticks.length - 1]).toBe('24:00');
    await runTo('17:48');
    await openStationList();
    await view.page.locator('.station-row', { hasText: 'Paris 01' }).click();
    const drawer = inspector();
    await drawer.waitFor();
    await drawer.getByRole('radio', { name: 'At' }).check();
    await drawer.getByRole('textbox', { name: 'Apply at local time (HH:MM)' }).fill('09:00');
    await drawer.getByRole('button', { name: /Simulate Power Cut/ }).click();
    const alert = drawer.locator('.error-box').filter({ hasText: '09:00' }).first();
    await alert.waitFor();
    const text = (await alert.textContent()) ?? '';
    expect(text).toMatch(/09:00 has already passed \(the simulation is at 17:48\)/);
    expect(text).not.toMatch(/\d{5,}/);
    await alert.scrollIntoViewIfNeeded();
    await shot('05a-at-time-refused');
    // The run-to box says the same in the transport bar.
    await view.page.getByRole('textbox', { name: 'Run to local time (HH:MM)' }).fill('09:00');
    await view.page.getByRole('button', { name: 'Run to that time' }).click();
    await expect.poll(async () => view.page.locator('#run-to-error').textContent()).toMatch(/09:00 has already passed/);
    expect(await clock()).toBe('17:48:00');
    await shot('05b-run-to-refused');
    await drawer.getByRole('radio', { name: 'Now' }).check();
  }, 120_000);

  it('shows the evening spike on the network wait chart and its KPI card', async () => {
    await view.page.getByRole('button', { name: 'Close inspector' }).click();
    await runTo('18:30');
    const card = view.page.locator('[data-kpi="wait_p95_recent_s"] .value');
    await expect.poll(async () => card.textContent()).not.toMatch(/^0 s$/);
    await view.page.getByRole('region', { name: 'Network wait over the day' }).locator('canvas').first().waitFor();
    await expect
      .poll(async () => view.page.getByTestId('wait-peak').textContent())
      .toMatch(/Peak so far: [\d.]+ min at \d\d:\d\d/);
    await shot('06-network-wait-spike');
  }, 120_000);

  it('colours stations the same live and scrubbed to the same second, and the clock shows that second as past', async () => {
    const t = Number(await slider().inputValue());
    expect(t).toBe(18.5 * 3600);
    await openStationList();
    const live = await stationRows();
    expect(live.some((r) => r.status !== 'OK')).toBe(true);
    // No station is called busy with nobody waiting and no wait.
    for (const r of live) {
      if (r.status === 'Rising wait' || r.status === 'High wait')
        expect(`${r.queue} ${r.wait}`).not.toBe('0 riders 0 s');
    }
    await view.page.getByRole('button', { name: /\+15 min/ }).click();
    await expect.poll(clock).toBe('18:45:00');
    await slider().fill(String(t));
    await view.page.getByText('Showing the past').waitFor();
    await expect.poll(clock).toBe('18:30:00');
    expect(await view.page.getByTestId('sim-clock-past').textContent()).toMatch(/past · live 18:45/);
    await expect.poll(stationRows).toEqual(live);
    await shot('07-scrubbed-same-colours');
    await view.page.getByRole('button', { name: 'Back to the live head' }).click();
  }, 120_000);

  it('opens the inspector over a map that keeps its size, charts first, human titles, no stale tooltip', async () => {
    const canvas = view.page.getByTestId('city-canvas');
    const before = await canvas.boundingBox();
    // Hover until a station's tooltip shows, then click it there.
    const box = before as { x: number; y: number; width: number; height: number };
    let found = false;
    for (let y = box.y + 60; y < box.y + box.height - 20 && !found; y += 9) {
      for (let x = box.x + 380; x < box.x + box.width - 80 && !found; x += 9) {
        await view.page.mouse.move(x, y);
        found = await view.page.locator('.map-tooltip').isVisible();
        if (found) await view.page.mouse.click(x, y);
      }
    }
    expect(found).toBe(true);
    const drawer = inspector();
    await drawer.waitFor();
    await expect.poll(async () => view.page.locator('.map-tooltip').count()).toBe(0);
    expect(await canvas.boundingBox()).toEqual(before);
    const chartTop = (await drawer.locator('.chart-grid').boundingBox())?.y ?? Infinity;
    const feedTop = (await drawer.getByRole('heading', { name: 'Live feed' }).boundingBox())?.y ?? 0;
    expect(chartTop).toBeLessThan(feedTop);
    expect((await drawer.locator('.chart-grid').boundingBox())?.y ?? Infinity).toBeLessThan(500);
    const titles = await drawer.locator('.iv-toggle').allTextContents();
    expect(titles.join('|')).toMatch(/Power cut/);
    expect(titles.join('|')).not.toMatch(/_/);
    await drawer.getByRole('button', { name: /Restock batteries/ }).click();
    await drawer.locator('.sf-field label', { hasText: 'SoC' }).waitFor();
    expect(await drawer.locator('.sf-field label').allTextContents()).toContain('SoC');
    // Every hint under a field has text: no empty bars.
    expect(await drawer.locator('.sf-field .hint:empty, .sf-field span:empty').count()).toBe(0);
    await shot('08-inspector-over-map');
    await expectAxeClean('station inspector');
  }, 120_000);

  it('keeps the maintenance switch true to the station during a power cut', async () => {
    const drawer = inspector();
    await drawer.getByRole('button', { name: /Simulate Power Cut/ }).click();
    await expect.poll(async () => drawer.locator('.status-badge').first().getAttribute('data-status')).toBe('offline');
    const toggle = drawer.getByRole('switch', { name: /Maintenance mode/ });
    expect(await toggle.isChecked()).toBe(false);
    await toggle.click();
    await expect
      .poll(async () => drawer.locator('.feed').textContent(), { timeout: 15_000 })
      .toMatch(/Maintenance started/);
    await expect.poll(async () => toggle.isChecked()).toBe(true);
    expect(await drawer.locator('.drawer-head').textContent()).toMatch(/outage.*maintenance/);
    await shot('09-maintenance-during-outage');
    await toggle.click();
    await expect
      .poll(async () => drawer.locator('.feed').textContent(), { timeout: 15_000 })
      .toMatch(/Maintenance ended/);
    await expect.poll(async () => toggle.isChecked()).toBe(false);
    expect(await drawer.textContent()).not.toMatch(/already/);
    const log = await drawer.locator('.iv-log').textContent();
    expect(log).toMatch(/Power cut/);
    expect(log).toMatch(/Maintenance mode/);
  }, 60_000);

  it('asks before rewinding, and offers a branch instead', async () => {
    await view.page.getByRole('button', { name: 'Close inspector' }).click();
    const head = await clock();
    await slider().fill(String(17 * 3600));
    await view.page.getByRole('button', { name: 'Rewind here' }).click();
    const dialog = view.page.getByRole('dialog', { name: 'Rewind to 17:00?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toMatch(/from 17:00 to 18:45 is discarded/);
    await shot('10-rewind-confirm');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await view.page.getByRole('button', { name: 'Back to the live head' }).click();
    expect(await clock()).toBe(head);
    await slider().fill(String(18 * 3600));
    await view.page.getByRole('button', { name: 'Rewind here' }).click();
    await view.page
      .getByRole('dialog')
      .getByRole('button', { name: /Rewind and discard 18:00–18:45/ })
      .click();
    await expect.poll(clock, { timeout: 60_000 }).toBe('18:00:00');
  }, 120_000);

  it('compares a branch with no accessibility violations', async () => {
    await view.page.getByRole('button', { name: 'Branch here', exact: true }).click();
    const dialog = view.page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByRole('combobox', { name: 'Intervention for the branch' }).selectOption('open_reserve_chargers');
    await dialog.getByRole('combobox', { name: 'Apply to' }).selectOption('__all__');
    await dialog.getByRole('button', { name: 'Create branch' }).click();
    await view.page.waitForURL(/#\/compare\//, { timeout: 30_000 });
    await view.page.getByRole('region', { name: 'Network KPIs' }).waitFor();
    await view.page.locator('.chart canvas').first().waitFor();
    await expectAxeClean('compare');
    await shot('11-compare');
  }, 120_000);

  it('creates a line from its example where the Line view offers it', async () => {
    await view.page.getByRole('link', { name: 'Line' }).click();
    await view.page
      .getByRole('button', { name: /^Create from line/ })
      .first()
      .click();
    await view.page.waitForURL(/#\/line\//, { timeout: 30_000 });
    await view.page.locator('.machine-node[data-state]').first().waitFor({ timeout: 30_000 });
    await shot('12-line-created');
  }, 60_000);

  it('keeps every machine on screen while the line runs at 600x', async () => {
    await view.page.getByRole('button', { name: 'Speed 600x' }).click();
    await view.page.getByRole('button', { name: /^Play/ }).click();
    await expect
      .poll(async () => view.page.getByTestId('sim-state').textContent(), { timeout: 20_000 })
      .toMatch(/running/);
    // Every animation frame for three seconds: how many machines React Flow shows (visible, with their state).
    const frames = await view.page.evaluate<{ shown: number; total: number }[]>(`(async () => {
      const out = [];
      const end = performance.now() + 3000;
      while (performance.now() < end) {
        await new Promise((r) => requestAnimationFrame(r));
        const nodes = [...document.querySelectorAll('.react-flow__node')];
        const shown = nodes.filter((n) => getComputedStyle(n).visibility !== 'hidden' && n.querySelector('.machine-node') !== null);
        out.push({ shown: shown.length, total: nodes.length });
      }
      return out;
    })()`);
    expect(frames.length).toBeGreaterThan(20);
    const machines = frames[0].total;
    expect(machines).toBeGreaterThan(2);
    expect(frames.filter((f) => f.shown !== machines)).toEqual([]);
    await shot('13-line-running-600x');
    await view.page.getByRole('button', { name: /^Pause/ }).click();
    await expect
      .poll(async () => view.page.getByTestId('sim-state').textContent(), { timeout: 20_000 })
      .not.toMatch(/running/);
    await expectAxeClean('line view');
  }, 60_000);

  it('opens the line example in the scenario editor, which has no accessibility violations', async () => {
    await view.page.getByRole('link', { name: 'Simulations' }).click();
    await view.page.getByRole('link', { name: 'New simulation' }).click();
    const examples = await apiGet<{ id: string; pack: string }[]>(view.rig, '/api/v1/examples');
    const line = examples.find((e) => e.pack === 'line');
    expect(line?.id).toBe('line-baseline_8hr');
    await view.page.getByRole('combobox', { name: 'Example scenario' }).selectOption(line?.id ?? '');
    await expect
      .poll(async () => view.page.getByRole('textbox', { name: 'Scenario YAML' }).inputValue(), { timeout: 15_000 })
      .toMatch(/pack: line/);
    expect(await view.page.locator('.error-box').count()).toBe(0);
    await expectAxeClean('scenario editor');
    await shot('14-scenario-editor-line');
  }, 60_000);

  it('continues a debug mode pause with the Continue button', async () => {
    const sim = await apiPost<{ id: string }>(view.rig, '/api/v1/simulations', { example: 'city-10', name: 'debug' });
    await apiPost(view.rig, `/api/v1/simulations/${sim.id}/run`, { debug_mode: true, until: 7200 });
    await view.page.goto(`${view.rig.server.url}/#/city/${encodeURIComponent(sim.id)}`);
    const resume = view.page.getByRole('button', { name: 'Continue' });
    await resume.waitFor({ timeout: 30_000 });
    expect(await clock()).toBe('00:15:00');
    expect(await view.page.getByTestId('sim-state').textContent()).toMatch(/debug pause/);
    expect(await view.page.locator('.tp-debug').textContent()).toMatch(/paused at 00:15/);
    await shot('15-debug-pause');
    await expectAxeClean('city map at a debug pause');
    await resume.click();
    // The next chunk runs and pauses again, a quarter of an hour later.
    await expect.poll(clock, { timeout: 30_000 }).toBe('00:30:00');
    await expect
      .poll(async () => view.page.locator('.tp-debug').textContent(), { timeout: 30_000 })
      .toMatch(/paused at 00:30/);
  }, 90_000);

  it('logged no console errors', () => {
    expect(view.rig.consoleErrors).toEqual([]);
  });
});
