/**
 * The Control plane view in Chromium against the real server: the captured region's day replayed with the legacy
 * and the guarded Enactor (the example test the server ships, run once per version), the two verdicts side by side
 * (REJECT with the rules the race breaks, APPROVE with every rule held), and the legacy replay opened as a
 * simulation: its empty endpoints first, a lane per Enactor, the violations as marks on the time slider, and a
 * violation's ledger records (what led to it).
 * An axe-core audit of each state. Screenshots: test-output/screenshots/controlplane-*.png.
 */
import type { ExampleTest } from '@doppel/twin/contracts';
import { describe, expect, it } from 'vitest';
import { apiGet, browserView, skipBrowser } from './browser-helpers.js';

describe.skipIf(skipBrowser)('web Control plane view (Chromium)', () => {
  const view = browserView('controlplane', { width: 1400, height: 1000 });
  const { shot, expectAxeClean } = view;

  /**
   * Nothing of the page is cut off on the right: from 1280 px the endpoints table fits its column whole; narrower,
   * it may scroll inside its column, never the view.page.
   */
  const expectFits = async (where: string): Promise<void> => {
    // A string: the browser's globals are not in this file's types.
    const box = await view.page.evaluate<{
      window: number;
      page: number;
      columnRight: number | null;
      columnScrolls: boolean | null;
      tableRight: number | null;
      transportCut: string[];
    }>(`(() => {
      const table = document.querySelector('table[aria-label="Endpoints, empty record sets first"]');
      const column = table === null ? null : table.closest('.cp-side');
      return {
        window: window.innerWidth,
        page: document.documentElement.scrollWidth,
        columnRight: column === null ? null : Math.round(column.getBoundingClientRect().right),
        columnScrolls: column === null ? null : column.scrollWidth > column.clientWidth,
        tableRight: table === null ? null : Math.round(table.getBoundingClientRect().right),
        transportCut: Array.from(document.querySelectorAll('.transport button'))
          .filter((button) => button.getBoundingClientRect().right > window.innerWidth)
          .map((button) => button.textContent),
      };
    })()`);
    expect.soft(box.page, `${where}: the page is wider than the window`).toBeLessThanOrEqual(box.window);
    expect.soft(box.transportCut, `${where}: transport buttons past the right edge`).toEqual([]);
    expect.soft(box.columnRight, `${where}: the endpoints column ends past the window`).toBeLessThanOrEqual(box.window);
    if (box.window >= 1280) {
      expect.soft(box.columnScrolls, `${where}: the endpoints table scrolls sideways`).toBe(false);
      expect.soft(box.tableRight, `${where}: the endpoints table is cut off`).toBeLessThanOrEqual(box.columnRight ?? 0);
    }
  };

  it('the server lists its example tests with their files relative to examples/tests', async () => {
    const tests = await apiGet<ExampleTest[]>(view.rig, '/api/v1/example-tests');
    const legacy = tests.find((t) => t.id === 'controlplane-enactor-legacy');
    expect(legacy?.yaml).toContain('file: ../controlplane/region.yaml');
    expect(legacy?.yaml).toContain('file: ../controlplane/baselines/plan-to-insync.json');
    expect(legacy?.yaml).toContain('id: never_delete_active');
  });

  it('opens from the rail with the replay described in the example test’s words', async () => {
    await view.page.goto(view.rig.startUrl);
    await view.page.waitForURL(/#\/city\//, { timeout: 60_000 });
    await view.page.getByRole('link', { name: 'Control plane' }).click();
    await view.page.waitForURL(/#\/controlplane$/);
    await view.page.getByRole('heading', { name: 'Replay the captured day' }).waitFor({ timeout: 30_000 });
    const replay = view.page.getByRole('region', { name: 'Replay the captured day' });
    expect(await replay.textContent()).toContain('intervene: stall enactor-2 at 14:00');
    await expectAxeClean('control plane, before a replay');
    await shot('01-replay');
  }, 120_000);

  it('replays the day with both Enactors: legacy REJECT with the race’s rules, guarded APPROVE', async () => {
    await view.page.getByRole('button', { name: '▶ Replay with both Enactors' }).click();
    await expect
      .poll(
        () =>
          view.page
            .getByTestId('verdict-legacy')
            .textContent()
            .catch(() => ''),
        { timeout: 300_000 },
      )
      .toContain('✘ REJECT');
    await expect
      .poll(
        () =>
          view.page
            .getByTestId('verdict-guarded')
            .textContent()
            .catch(() => ''),
        { timeout: 300_000 },
      )
      .toContain('✔ APPROVE');
    const table = view.page.getByRole('table', { name: 'Rule verdicts by Enactor version' });
    const row = (rule: string) => table.getByRole('row', { name: new RegExp(`^${rule}`) });
    for (const rule of ['endpoint_non_empty', 'never_delete_active', 'liveness']) {
      const cells = await row(rule).getByRole('cell').allTextContents();
      expect(cells[0], `legacy ${rule}`).toMatch(/^✘ \d+ violations?, first at \d\d:\d\d on /);
      expect(cells[1], `guarded ${rule}`).toBe('✔ held');
    }
    expect(await view.page.getByTestId('empty-seconds-guarded').textContent()).toBe('0');
    expect(
      Number((await view.page.getByTestId('empty-seconds-legacy').textContent())?.replaceAll(',', '')),
    ).toBeGreaterThan(0);
    await expectAxeClean('control plane, legacy against guarded');
    await shot('02-compare');
  }, 660_000);

  it('opens the legacy replay at its first violation: Enactor lanes, violations on the slider, the empty endpoints later', async () => {
    await view.page.getByRole('button', { name: /^Open the legacy replay at \d\d:\d\d$/ }).click();
    // Re-creating the whole day (1,000 endpoints) takes a while on a loaded machine.
    await view.page.waitForURL(/#\/controlplane\/[^?]+\?run=/, { timeout: 360_000 });
    await expect
      .poll(() => view.page.getByTestId('cp-verdict').textContent(), { timeout: 120_000 })
      .toContain('✘ REJECT');
    await view.page.getByRole('table', { name: 'Endpoints, empty record sets first' }).waitFor({ timeout: 120_000 });
    await view.page.getByRole('img', { name: /^Enactor lanes from / }).waitFor();
    // Opened at its first violation (a clean-up deleting a plan still in use), with the records that led to it.
    const first = view.page.getByRole('region', { name: /^✘ never_delete_active at \d\d:\d\d on planner$/ });
    await first.waitFor({ timeout: 60_000 });
    expect(await first.textContent()).toContain('PLAN_DELETED');
    // Violations minutes apart share one mark on a day's slider: its count, and the list of them it opens.
    const cluster = view.page.getByRole('button', { name: /^\d+ violations from \d\d:\d\d:\d\d to \d\d:\d\d:\d\d$/ });
    expect(await cluster.count()).toBeGreaterThanOrEqual(1);
    expect(Number((await cluster.first().textContent())?.replace('✘', ''))).toBeGreaterThanOrEqual(2);
    await expectFits('the replay opened at 1400 px');
    await expectAxeClean('control plane, a replay opened at its first violation');
    await shot('03-replay-opened');

    // The record sets empty a few minutes later: the rule's own button moves the view there.
    await view.page.getByRole('button', { name: /^✘ endpoint_non_empty at \d\d:\d\d$/ }).click();
    const detail = view.page.getByRole('region', { name: /endpoint_non_empty at/ });
    await detail.waitFor();
    const records = detail.getByRole('table', { name: 'Ledger records before the violation of endpoint_non_empty' });
    expect(await records.getByRole('row').count()).toBeGreaterThan(2);
    // The stalled Enactor wakes up and writes its old plan, deleted meanwhile, over the newer one.
    expect(await records.textContent()).toMatch(/ENACTOR_RESUMED[\s\S]*RECORD_REGRESSED/);
    await expect
      .poll(() => view.page.getByTestId('empty-count').textContent(), { timeout: 60_000 })
      .toMatch(/✘ \d+ empty/);
    // In the past as at the head, each endpoint shows the plan generation applied at the instant shown.
    const endpoints = view.page.getByRole('table', { name: 'Endpoints, empty record sets first' });
    await expect
      .poll(async () => (await endpoints.locator('tbody tr td:nth-child(2)').allTextContents()).slice(0, 5), {
        timeout: 60_000,
      })
      .toEqual(expect.arrayContaining([expect.stringMatching(/^\d+$/)]));
    expect(await endpoints.locator('tbody tr td:nth-child(2)').allTextContents()).not.toContain('—');
    await expectAxeClean('control plane, a violation picked');
    await shot('04-violation');

    // The cluster mark opens its list from the keyboard; each violation there carries its own records.
    await cluster.first().focus();
    await view.page.keyboard.press('Enter');
    const list = view.page.getByRole('list', { name: /^\d+ violations from / });
    await list.waitFor();
    const items = list.getByRole('button', { name: /^Violation: endpoint_non_empty on ep-\d+ at / });
    expect(await items.count()).toBeGreaterThanOrEqual(2);
    await shot('05-cluster-open');
    await expectAxeClean('control plane, a cluster of violations opened');
    const second = (await items.nth(1).textContent()) ?? '';
    const endpoint = /on (ep-\d+)/.exec(second)?.[1] ?? '?';
    await items.nth(1).click();
    const picked = view.page.getByRole('region', {
      name: new RegExp(`^✘ endpoint_non_empty at \\d\\d:\\d\\d on ${endpoint}\\.`),
    });
    await picked.waitFor({ timeout: 30_000 });
    expect(await picked.getByTestId('cp-violation-index').textContent()).toMatch(/this one the 2nd/);
    const own = await picked
      .getByRole('table', { name: 'Ledger records before the violation of endpoint_non_empty' })
      .locator('tbody tr')
      .last()
      .textContent();
    expect(own).toContain(endpoint);

    // Narrower windows: the page never scrolls sideways, the endpoints table scrolls in its own column.
    for (const width of [1440, 1280, 1024, 800]) {
      await view.page.setViewportSize({ width, height: 900 });
      await expectFits(`the replay at ${width} px`);
    }
    await shot('06-narrow');
    await view.page.setViewportSize({ width: 1400, height: 1000 });

    expect(view.rig.consoleErrors).toEqual([]);
  }, 600_000);
});
