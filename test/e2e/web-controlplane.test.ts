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
    const marks = view.page.getByRole('button', { name: /^Violation: / });
    expect(await marks.count()).toBeGreaterThanOrEqual(2);
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
    await expectAxeClean('control plane, a violation picked');
    await shot('04-violation');

    expect(view.rig.consoleErrors).toEqual([]);
  }, 600_000);
});
