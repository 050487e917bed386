/**
 * The Tests view in Chromium against the real server: writing a test in the sequence editor (rows added, edited
 * and reordered, CEL errors shown at their field), the YAML tab kept in step, saving, running in the background
 * to APPROVE, a failing rule to REJECT with its timeline, and the violation opened in the City view at its instant;
 * a line test over several replications showing its progress while it runs, its violation opened in the Line view
 * with the time slider at that instant.
 * An axe-core audit of the view. Screenshots: test-output/screenshots/tests-*.png.
 */
import type { ScenarioTest, TestRun } from '@doppel/twin/contracts';
import { describe, expect, it } from 'vitest';
import { apiGet, apiPost, browserView, skipBrowser } from './browser-helpers.js';

describe.skipIf(skipBrowser)('web Tests view (Chromium)', () => {
  const view = browserView('tests', { width: 1400, height: 1000 });
  const { shot, expectAxeClean } = view;
  const yamlText = async (): Promise<string> => {
    await view.page.getByRole('tab', { name: 'YAML' }).click();
    const text = await view.page.getByRole('textbox', { name: 'Test YAML' }).inputValue();
    await view.page.getByRole('tab', { name: 'Sequence' }).click();
    return text;
  };
  const check = () => view.page.getByTestId('test-check');

  it('opens from the rail with a new test in the sequence editor', async () => {
    await view.page.goto(view.rig.startUrl);
    await view.page.waitForURL(/#\/city\//, { timeout: 60_000 });
    await view.page.getByRole('link', { name: 'Tests' }).click();
    await view.page.waitForURL(/#\/tests\/new/);
    await expect.poll(() => check().textContent(), { timeout: 60_000 }).toMatch(/✓ Valid · swap · 2 steps/);
    expect(await view.page.getByRole('list', { name: 'Steps' }).getByRole('listitem').count()).toBe(2);
    await expectAxeClean('tests, new test');
    await shot('01-new');
  }, 120_000);

  it('edits steps as rows: a CEL error shows at its field, rows reorder, the YAML follows', async () => {
    const steps = view.page.getByRole('list', { name: 'Steps' });
    await view.page.getByRole('button', { name: '+ Assert' }).click();
    const third = steps.getByRole('listitem', { name: 'Step 3' });
    await third.getByRole('textbox', { name: 'condition (CEL)' }).fill('kpi.swapz >= 0.0');
    await third.getByRole('textbox', { name: 'message' }).fill('swaps are counted');
    const alert = third.getByRole('alert');
    await expect.poll(() => alert.textContent(), { timeout: 30_000 }).toContain('unknown KPI "swapz"');
    await shot('02-cel-error-at-field');
    await third.getByRole('textbox', { name: 'condition (CEL)' }).fill('kpi.swaps >= 0.0');
    await expect.poll(() => check().textContent(), { timeout: 30_000 }).toMatch(/✓ Valid · swap · 3 steps/);
    // The new assertion moves before the other one, by keyboard.
    await third.getByRole('button', { name: 'Move step 3 up' }).focus();
    await view.page.keyboard.press('Enter');
    expect(
      await steps
        .getByRole('listitem', { name: 'Step 2' })
        .getByRole('textbox', { name: 'condition (CEL)' })
        .inputValue(),
    ).toBe('kpi.swaps >= 0.0');
    // An intervention step: its arguments are a form generated from the action's schema.
    await view.page.getByRole('button', { name: '+ Intervene' }).click();
    const fourth = steps.getByRole('listitem', { name: 'Step 4' });
    await fourth.getByRole('textbox', { name: 'asset' }).fill('station_01');
    await fourth.getByRole('combobox', { name: 'action' }).selectOption('trigger_outage');
    await fourth.getByRole('textbox', { name: /Duration/ }).fill('600');
    await expect.poll(() => check().textContent(), { timeout: 30_000 }).toMatch(/✓ Valid · swap · 4 steps/);
    expect(await yamlText()).toMatch(
      /- intervene:\n\s+asset: station_01\n\s+action: trigger_outage\n\s+args:\n\s+duration_seconds: 600/,
    );
    await shot('03-intervention-form');
    await steps.getByRole('listitem', { name: 'Step 4' }).getByRole('button', { name: 'Remove step 4' }).click();
    await steps.getByRole('listitem', { name: 'Step 1' }).getByRole('textbox', { name: 'by' }).fill('3h');
    await view.page.getByRole('textbox', { name: 'name' }).fill('city-ten-quiet');
    const yaml = await yamlText();
    expect(yaml).toContain('name: city-ten-quiet');
    expect(yaml).toMatch(
      /- advance:\n\s+by: 3h\n\s+- assert:\n\s+condition: kpi\.swaps >= 0\.0\n\s+message: swaps are counted\n\s+- assert:\n\s+condition: kpi\.wait_p95_s/,
    );
  }, 90_000);

  it('saves the test and runs it in the background to APPROVE', async () => {
    await view.page.getByRole('button', { name: '▶ Run' }).click();
    await view.page.waitForURL(/#\/tests\/test_/, { timeout: 30_000 });
    await view.page.getByTestId('verdict').waitFor({ timeout: 120_000 });
    expect(await view.page.getByTestId('verdict').textContent()).toContain('✔ APPROVE');
    const list = view.page.getByRole('navigation', { name: 'Tests' });
    await expect.poll(() => list.textContent(), { timeout: 10_000 }).toMatch(/city-ten-quiet.*✔ APPROVE/);
    expect(await view.page.getByRole('img', { name: /Timeline of 3 steps and 1 rules/ }).count()).toBe(1);
    await expectAxeClean('tests, approved run');
    await shot('04-approve');
  }, 180_000);

  it('a rule that breaks shows REJECT, its violation on the timeline, and opens the City there', async () => {
    await view.page.getByRole('tab', { name: 'YAML' }).click();
    const editor = view.page.getByRole('textbox', { name: 'Test YAML' });
    await editor.fill((await editor.inputValue()).replace('self.queue_length <= 20', 'self.queue_length < 1'));
    await view.page.getByRole('tab', { name: 'Sequence' }).click();
    expect(
      await view.page
        .getByRole('list', { name: 'Rules' })
        .getByRole('textbox', { name: /condition/ })
        .inputValue(),
    ).toBe('self.queue_length < 1');
    // Into the morning, when riders queue.
    await view.page.getByRole('textbox', { name: 'scenario duration' }).fill('12h');
    await view.page.getByRole('button', { name: '▶ Run' }).click();
    await expect.poll(() => view.page.getByTestId('verdict').textContent(), { timeout: 120_000 }).toContain('✘ REJECT');
    const open = view.page.getByRole('button', { name: /^Open in City at \d\d:\d\d$/ });
    await open.waitFor();
    const label = (await open.textContent()) ?? '';
    // Both runs are listed; the earlier one shows its own verdict again.
    const history = view.page.getByRole('region', { name: 'Recent runs' });
    await expect.poll(() => history.getByRole('button').count(), { timeout: 10_000 }).toBe(2);
    await history.getByRole('button', { name: /APPROVE/ }).click();
    await expect.poll(() => view.page.getByTestId('verdict').textContent(), { timeout: 10_000 }).toContain('✔ APPROVE');
    await history.getByRole('button', { name: /REJECT/ }).click();
    await expect.poll(() => view.page.getByTestId('verdict').textContent(), { timeout: 10_000 }).toContain('✘ REJECT');
    await expectAxeClean('tests, rejected run');
    await shot('05-reject-timeline');
    await open.click();
    await view.page.waitForURL(/#\/city\/sim_[^?]+\?asset=/, { timeout: 60_000 });
    const time = /(\d\d:\d\d)$/.exec(label)?.[1] ?? '';
    await expect
      .poll(async () => (await view.page.getByTestId('sim-clock').locator('.time').textContent()) ?? '', {
        timeout: 60_000,
      })
      .toMatch(new RegExp(`^${time}`));
    await view.page.getByRole('complementary', { name: /Station inspector/ }).waitFor({ timeout: 30_000 });
    // The time slider stands at the same instant.
    expect(await view.page.getByRole('slider', { name: /Time slider/ }).getAttribute('aria-valuetext')).toContain(
      ` ${time}`,
    );
    await shot('06-opened-in-city');
    expect(view.rig.consoleErrors).toEqual([]);
  }, 240_000);
  it('a line test shows its progress while it runs, and opens its violation in the Line view with the slider there', async () => {
    const yaml = [
      'doppel: 1',
      'name: packer-stays-up',
      'scenario:',
      '  config: ../line/config',
      '  run: baseline_8hr',
      '  seed: 7',
      '  duration: 4h',
      '  replications: 6',
      'steps:',
      '  - advance: 2h',
      '  - intervene: { asset: packer, action: force_breakdown, args: { duration_seconds: 900 } }',
      '  - advance: 30m',
      'rules:',
      '  - id: packer-never-down',
      '    category: safety',
      '    kind: machine',
      "    condition: self.state != 'DOWN'",
      '',
    ].join('\n');
    const stored = await apiPost<ScenarioTest>(view.rig, '/api/v1/tests', { yaml });
    await view.page.evaluate(`window.location.hash = '#/tests/${stored.id}'`);
    await expect.poll(() => check().textContent(), { timeout: 60_000 }).toMatch(/✓ Valid · line · 3 steps/);

    // While it runs, the results view follows it: status and replications done of the six.
    await view.page.getByRole('button', { name: '▶ Run' }).click();
    const seen = new Set<string>();
    const panel = view.page.getByRole('region', { name: 'Test run' });
    for (let i = 0; i < 1200 && (await view.page.getByTestId('verdict').count()) === 0; i++) {
      // One snapshot of the DOM: the bar goes away when the run ends, so reading it piece by piece could wait on an
      // element that is gone.
      const state = await view.page.evaluate<string | null>(`(() => {
        const status = document.querySelector('[data-testid="run-status"]');
        const bar = document.querySelector('progress[aria-label="Replications done"]');
        return status && bar ? status.textContent + ' ' + bar.getAttribute('value') + '/' + bar.getAttribute('max') : null;
      })()`);
      if (state !== null) {
        seen.add(state);
        if (seen.size === 1) await shot('07-line-running');
      }
      await view.page.waitForTimeout(50);
    }
    expect(
      [...seen].some((state) => /^(◷ Queued|▶ Running) [0-5]\/6$/.test(state)),
      [...seen].join(', '),
    ).toBe(true);
    expect(await panel.getByTestId('verdict').textContent()).toContain('✘ REJECT');

    // The instant of the violation, as the API reports it, is where the Line view opens.
    const test = await apiGet<ScenarioTest>(view.rig, `/api/v1/tests/${stored.id}`);
    const run = await apiGet<TestRun>(view.rig, `/api/v1/test-results/${test.lastRun?.id ?? ''}`);
    expect(run.progress).toEqual({ done: 6, total: 6 });
    const shown = run.result?.replications.find((r) => r.status === 'failed');
    const violation = shown?.rules[0].first;
    expect(violation?.assetId).toBeDefined();
    const open = view.page.getByRole('button', { name: /^Open in Line at \d\d:\d\d$/ });
    const time = /(\d\d:\d\d)$/.exec((await open.textContent()) ?? '')?.[1] ?? '';
    await open.click();
    await view.page.waitForURL(new RegExp(`#/line/sim_[^?]+\\?asset=${violation?.assetId ?? ''}$`), {
      timeout: 60_000,
    });
    const slider = view.page.getByRole('slider', { name: /Time slider/ });
    await expect
      .poll(async () => Number(await slider.inputValue()), { timeout: 60_000 })
      .toBe(Math.round(violation?.simTime ?? -1));
    expect(await slider.getAttribute('aria-valuetext')).toContain(` ${time}`);
    expect((await view.page.getByTestId('sim-clock').locator('.time').textContent()) ?? '').toMatch(
      new RegExp(`^${time}`),
    );
    await view.page
      .getByRole('complementary', { name: `Machine ${violation?.assetId ?? ''}` })
      .waitFor({ timeout: 30_000 });
    await shot('08-opened-in-line');
    expect(view.rig.consoleErrors).toEqual([]);
  }, 240_000);
});
