/**
 * The Experiments view in Chromium against the real server: an experiment designed from an example scenario (a
 * design, factors with values or ranges, replications, outputs), queued, followed to its results, each output with its confidence
 * interval in a table and a chart, the paired differences, and the results downloaded as CSV with the numbers the
 * API serves. An axe-core audit of each state. Screenshots: test-output/screenshots/experiments-*.png.
 */
import type { Experiment } from '@doppel/client';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, skipBrowser, startRig, type BrowserRig } from './browser-helpers.js';

describe.skipIf(skipBrowser)('web Experiments view (Chromium)', () => {
  let rig: BrowserRig;
  let page: Page;

  beforeAll(async () => {
    rig = await startRig({ width: 1400, height: 1000 });
    page = rig.page;
  }, 240_000);
  afterAll(async () => {
    await rig?.close();
  });

  const shot = (name: string): Promise<string> => rig.shot(`experiments-${name}`);
  const expectAxeClean = async (view: string): Promise<void> => {
    const found = await axeViolations(page);
    expect(found, `axe on ${view}: ${JSON.stringify(found, null, 1)}`).toEqual([]);
  };
  const apiGet = async (id: string): Promise<Experiment> => {
    const response = await fetch(`${rig.server.url}/api/v1/experiments/${id}`, {
      headers: { authorization: `Bearer ${rig.key}` },
    });
    return (await response.json()) as Experiment;
  };

  it('designs an experiment from an example scenario', async () => {
    await page.goto(rig.startUrl);
    await page.waitForURL(/#\/city\//, { timeout: 60_000 });
    await page.getByRole('link', { name: 'Experiments' }).click();
    await page.waitForURL(/#\/experiments\/new/);
    await expect.poll(() => page.getByText('No experiments yet.').count(), { timeout: 30_000 }).toBe(1);
    await page.getByLabel('Base scenario').selectOption('../swap/city-10.yaml');
    await page.getByLabel('Name').fill('riders per hour');
    const text = () => page.getByTestId('experiment-text').textContent();

    // A Latin hypercube over two factors: ranges instead of values, the points to draw.
    await page.getByLabel('Design').selectOption('latin_hypercube');
    await page.getByLabel('Points to draw').fill('5');
    await page.getByLabel('Factor 1 min').fill('1');
    await page.getByLabel('Factor 1 max').fill('4');
    await page.getByRole('button', { name: 'Add factor' }).click();
    await page.getByLabel('Factor 2 field path').fill('swap.station_defaults.bays');
    await page.getByLabel('Factor 2 min').fill('1');
    await page.getByLabel('Factor 2 max').fill('3');
    await page.getByLabel('Factor 2 whole numbers').check();
    expect(await text()).toContain('design: { type: latin_hypercube, points: 5 }');
    expect(await text()).toContain('swap.demand.base_riders_per_hour: { min: 1, max: 4 }');
    expect(await text()).toContain('swap.station_defaults.bays: { min: 1, max: 3, integer: true }');
    await expectAxeClean('experiments, new, Latin hypercube');
    await shot('01-new-latin-hypercube');

    // Back to a grid over the riders per hour alone: the field that changes waits without any intervention.
    await page.getByRole('button', { name: 'Remove factor 2' }).click();
    await page.getByLabel('Design').selectOption('grid');
    await page.getByLabel('Factor 1 values (comma-separated)').fill('1.5, 4');
    await page.getByLabel('Replications per point').fill('3');
    await page.getByLabel('Outputs (comma-separated)').fill('kpis.wait_mean_s, kpis.wait_p95_s');
    expect(await text()).toContain('scenario: "../swap/city-10.yaml"');
    expect(await text()).not.toContain('design:');
    expect(await text()).toContain('swap.demand.base_riders_per_hour: [1.5, 4]');
    expect(await text()).not.toContain('bays');
    expect(await text()).toContain('outputs: [kpis.wait_mean_s, kpis.wait_p95_s]');
    await expectAxeClean('experiments, new');
    await shot('01-new');
  }, 120_000);

  it('runs it, shows progress, then each output with its interval, and downloads the results', async () => {
    await page.getByRole('button', { name: 'Run experiment' }).click();
    await page.waitForURL(/#\/experiments\/exp_/);
    const id = decodeURIComponent(page.url().split('/').pop()!);
    await expect.poll(() => page.getByTestId('experiment-progress').count(), { timeout: 30_000 }).toBe(1);
    await expect
      .poll(() => page.getByRole('table', { name: 'Estimates' }).count(), { timeout: 180_000, interval: 500 })
      .toBe(1);
    expect(await page.getByTestId('experiment-progress').textContent()).toContain('6 / 6');
    const experiment = await apiGet(id);
    expect(experiment.status).toBe('succeeded');
    const estimates = experiment.results!.estimates;
    expect(estimates).toHaveLength(4);
    // One row per point and output, the API's intervals as shown.
    const rows = page.getByRole('table', { name: 'Estimates' }).locator('tbody tr');
    expect(await rows.count()).toBe(4);
    expect(await page.locator('.interval-chart svg').count()).toBe(2);
    expect(await page.getByRole('table', { name: 'Paired differences against the baseline' }).count()).toBe(1);
    // The factor matters: more riders per hour, longer waits, paired on the same random streams.
    const waitDelta = experiment.results!.deltas.find((row) => row.output === 'kpis.wait_mean_s');
    expect(waitDelta!.mean).toBeGreaterThan(0);
    const waits = estimates.filter((row) => row.output === 'kpis.wait_mean_s').map((row) => row.mean);
    expect(waits[1]).toBeGreaterThan(waits[0]);

    const href = await page.getByRole('link', { name: 'Download results (CSV)' }).getAttribute('href');
    const csv = decodeURIComponent(href!.replace(/^data:text\/csv;charset=utf-8,/, ''))
      .trim()
      .split('\n');
    expect(csv[0]).toBe('point,swap.demand.base_riders_per_hour,output,mean,ci_low,ci_high,half_width,n');
    expect(csv.slice(1).map((line) => line.split(',').slice(1, 6).join(','))).toEqual(
      estimates.map((row) =>
        [
          experiment.results!.points[row.pointIndex].settings['swap.demand.base_riders_per_hour'],
          row.output,
          row.mean,
          row.ciLow ?? '',
          row.ciHigh ?? '',
        ].join(','),
      ),
    );
    await expectAxeClean('experiments, results');
    await shot('02-results');
  }, 240_000);
});
