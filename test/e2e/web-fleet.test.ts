/**
 * The Fleet view in Chromium against the real server: the scenario library runs a CCRs test on the server to its
 * verdict; the road scene shows the vehicle with its sensor cones, the inspector its readouts, sensors and
 * detections; the time slider replays the approach; a sweep's cases are a report whose rows open their case; a
 * sensor failure shows in the inspector; the runs list carries each verdict; an unknown run is an error, not a blank.
 * An axe-core audit of each state. Screenshots: test-output/screenshots/fleet-*.png.
 */
import { describe, expect, it } from 'vitest';
import { browserView, skipBrowser } from './browser-helpers.js';

describe.skipIf(skipBrowser)('web Fleet view (Chromium)', () => {
  const view = browserView('fleet', { width: 1400, height: 900 });
  const { shot, expectAxeClean } = view;
  const cases = () => view.page.getByRole('table', { name: 'Cases' });
  const inspector = () => view.page.getByRole('complementary', { name: 'Inspector' });
  const runScenario = async (title: RegExp): Promise<string> => {
    await view.page.goto(`${view.rig.startUrl.split('#')[0]}#/fleet`);
    await view.page.getByRole('button', { name: title }).click();
    await view.page.waitForURL(/#\/fleet\/[^/?]+/, { timeout: 60_000 });
    return decodeURIComponent(/#\/fleet\/([^/?]+)/.exec(view.page.url())?.[1] ?? '');
  };

  it('opens the scenario library from the rail', async () => {
    await view.page.goto(view.rig.startUrl);
    await view.page.waitForURL(/#\/city\//, { timeout: 60_000 });
    await view.page.getByRole('link', { name: 'Fleet' }).click();
    await view.page.waitForURL(/#\/fleet$/);
    const library = view.page.getByRole('region', { name: 'Scenario library' });
    await expect
      .poll(() => library.getByRole('button', { name: /^Run / }).count(), { timeout: 30_000 })
      .toBeGreaterThan(10);
    await expect.poll(() => view.page.getByRole('region', { name: 'Runs' }).textContent()).toContain('No runs yet');
    await expectAxeClean('fleet library');
    await shot('01-library');
  }, 120_000);

  it('runs a CCRs test on the server to a pass, with the vehicle, its cones, readouts and detections', async () => {
    await runScenario(/^Run emergency-braking$/);
    const row = cases().getByRole('row').nth(1);
    await expect.poll(() => row.getAttribute('data-case'), { timeout: 60_000 }).toBe('case');
    await expect
      .poll(() => row.locator('[data-verdict]').getAttribute('data-verdict'), { timeout: 60_000 })
      .toBe('pass');
    expect(await row.textContent()).toMatch(/no/); // collision: no
    await expect.poll(() => view.page.getByTestId('sim-state').textContent(), { timeout: 30_000 }).toMatch(/finished/);
    // The inspector shows the vehicle under test at its head: stopped by the AEB, sensors healthy.
    expect(await inspector().getByRole('heading').first().textContent()).toMatch(/^ego/);
    expect(await view.page.getByTestId('vehicle-speed').textContent()).toBe('0.0 km/h');
    const sensors = inspector().getByRole('table', { name: 'Sensors' });
    for (const s of ['radar', 'lidar', 'camera']) {
      expect(await sensors.locator(`tr[data-sensor="${s}"]`).textContent()).toMatch(/m · \d+°.*healthy/);
    }
    const canvas = view.page.getByTestId('road-canvas');
    expect(await canvas.getAttribute('aria-label')).toMatch(/1 vehicle\(s\) under test, 1 other road user/);
    await view.page.getByRole('group', { name: 'Run KPIs' }).locator('[data-kpi="cases_passed"]').waitFor();
    expect(await view.page.locator('[data-kpi="cases_passed"] .value').textContent()).toBe('1 case');
    expect(await view.page.locator('[data-kpi="collisions"] .value').textContent()).toBe('0 vehicles');
    await expectAxeClean('fleet run finished');
    await shot('02-ccrs-finished');
  }, 120_000);

  it('replays the approach on the time slider: moving, the target in front, then stopped', async () => {
    const slider = view.page.getByRole('slider', { name: /Time slider/ });
    const speed = async (): Promise<number> =>
      Number.parseFloat((await view.page.getByTestId('vehicle-speed').textContent()) ?? 'NaN');
    await slider.fill('1');
    // Cruising at the test speed, give or take the speed controller's ripple.
    await expect.poll(speed, { timeout: 30_000 }).toBeGreaterThan(59);
    expect(await speed()).toBeLessThan(61);
    expect(await view.page.getByRole('status').filter({ hasText: /past/ }).count()).toBe(1);
    // Detections of the stationary car ahead: the lidar (360°) and radar see it.
    const detections = inspector().getByRole('table', { name: 'Detections' });
    await expect.poll(() => detections.textContent(), { timeout: 10_000 }).toMatch(/target|lead|car/);
    const canvasLabel = await view.page.getByTestId('road-canvas').getAttribute('aria-label');
    expect(canvasLabel).toMatch(/[1-9]\d* detection\(s\)/);
    await expectAxeClean('fleet replay');
    await shot('03-replay-approach');
    await slider.fill('3.5');
    await expect.poll(speed, { timeout: 30_000 }).toBeLessThan(59);
    // Braking for the target: the AEB stage, and the status the pack gives that past instant.
    expect(await view.page.getByTestId('vehicle-aeb').textContent()).toMatch(/warning|partial|full/);
    expect(await inspector().textContent()).toContain('AEB active');
    await shot('04-replay-braking');
  }, 120_000);

  it("a sweep's cases form a report; a row opens its case in the scene", async () => {
    await runScenario(/^Run emergency-braking-sweep$/);
    await expect.poll(() => cases().getByRole('row').count(), { timeout: 60_000 }).toBe(9);
    await expect.poll(() => cases().locator('[data-verdict="pending"]').count(), { timeout: 120_000 }).toBe(0);
    expect(await cases().getByRole('row').nth(1).textContent()).toContain('initial_speed 10');
    await cases().getByRole('button', { name: 'case@40' }).click();
    await view.page.waitForURL(/asset=case%4040|asset=case@40/);
    expect(await view.page.getByTestId('road-canvas').getAttribute('aria-label')).toContain('case@40');
    expect(await inspector().getByRole('heading').first().textContent()).toMatch(/^ego@40/);
    expect(await cases().locator('tr[aria-current="true"]').getAttribute('data-case')).toBe('case@40');
    await expectAxeClean('fleet sweep');
    await shot('05-sweep-report');
  }, 240_000);

  it('a sensor failure shows in the inspector: the radar dropped out, no radar detections', async () => {
    await runScenario(/^Run sensor-failure$/);
    await expect
      .poll(() => cases().locator('[data-verdict]').first().getAttribute('data-verdict'), { timeout: 60_000 })
      .not.toBe('pending');
    const radar = inspector().getByRole('table', { name: 'Sensors' }).locator('tr[data-sensor="radar"]');
    await expect.poll(() => radar.textContent(), { timeout: 30_000 }).toMatch(/dropout/);
    expect(await radar.textContent()).toMatch(/—/); // no reach while dropped out
    await shot('06-sensor-failure');
  }, 120_000);

  it('lists the runs with their verdicts; a run opens again', async () => {
    await view.page.getByRole('link', { name: '◂ Scenario library' }).click();
    await view.page.waitForURL(/#\/fleet$/);
    const runs = view.page.getByRole('region', { name: 'Runs' });
    await expect.poll(() => runs.locator('tr[data-run]').count(), { timeout: 30_000 }).toBe(3);
    await expect.poll(() => runs.locator('[data-verdict="pass"]').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await expectAxeClean('fleet runs');
    await shot('07-runs');
    await runs.getByRole('link', { name: 'emergency-braking', exact: true }).click();
    await view.page.waitForURL(/#\/fleet\/[^/?]+$/);
    await expect.poll(() => view.page.getByTestId('vehicle-speed').textContent(), { timeout: 30_000 }).toBe('0.0 km/h');
  }, 120_000);

  it('an unknown run is an error with its message, not a blank view', async () => {
    await view.page.goto(`${view.rig.startUrl.split('#')[0]}#/fleet/sim_does_not_exist`);
    await expect
      .poll(() => view.page.getByRole('alert').first().textContent(), { timeout: 30_000 })
      .toMatch(/not found|unknown|no simulation/i);
    await shot('08-unknown-run');
    expect(view.rig.consoleErrors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  }, 60_000);
});
