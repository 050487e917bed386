/**
 * The web UI end to end: the real server (startServer on a free port, with its demo account and demo city, a
 * SQLite data dir in a temp folder, serving the built apps/web/dist) and Debian's
 * Chromium driven by playwright-core. It follows the tour a first-time user takes: open the start URL, run the
 * demo city into the evening peak, cut power at a station and watch its queue grow, scrub back, branch with the
 * reserve chargers open, compare, then open a line. Screenshots of every view go to test-output/screenshots/.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '@doppel/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(ROOT, 'test-output', 'screenshots');
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI === undefined) {
  console.warn(`web UI end-to-end tests skipped: ${CHROMIUM} is missing (apt-get install chromium)`);
}

/** Newest modification time under a folder (ms). */
function newest(dir: string): number {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return t;
}

/** The web app the server serves from apps/web/dist: built when missing or older than its sources. */
function ensureWebBuilt(): void {
  const index = join(ROOT, 'apps/web/dist/index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newest(join(ROOT, 'apps/web/src'))) return;
  const r = spawnSync('npm', ['run', 'build', '-w', '@doppel/web'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('web build failed');
}

describe.skipIf(!haveChromium && process.env.CI === undefined)('web UI (Chromium)', () => {
  let server: RunningServer;
  let startUrl: string;
  let context: BrowserContext;
  let page: Page;
  let dataDir: string;
  let userDir: string;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`${CHROMIUM} is missing: install the Debian chromium package`);
    ensureWebBuilt();
    mkdirSync(SHOTS, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'doppel-web-data-'));
    userDir = mkdtempSync(join(tmpdir(), 'doppel-web-chromium-'));
    // The real server on a free port, with its demo account and demo city, serving apps/web/dist.
    server = await startServer({ port: 0, dataDir, demo: true, logLevel: 'warn', handleSignals: false });
    if (server.demo === null) throw new Error('the server started without its demo');
    startUrl = server.demo.signInUrl;
    context = await chromium.launchPersistentContext(userDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1280, height: 800 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text());
    });
    page.on('pageerror', (err) => consoleErrors.push(String(err)));
  }, 240_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    for (const dir of [dataDir, userDir]) if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  const shot = async (name: string): Promise<void> => {
    await page.screenshot({ path: join(SHOTS, `${name}.png`) });
  };
  const clock = async (): Promise<string> => (await page.getByTestId('sim-clock').locator('.time').textContent()) ?? '';
  const legendCount = async (label: string): Promise<number> => {
    const row = page.locator('.map-legend .legend-row', { hasText: label });
    return Number((await row.locator('.num').textContent()) ?? '0');
  };

  it('signs in from the start URL and opens the demo city', async () => {
    await page.goto(startUrl);
    await page.waitForURL(/#\/city\//, { timeout: 30_000 });
    await expect.poll(() => page.evaluate<boolean>('window.location.hash.includes("key=")')).toBe(false);
    await page.getByTestId('city-canvas').waitFor();
    await expect.poll(async () => legendCount('OK'), { timeout: 20_000 }).toBeGreaterThan(0);
    await shot('01-city-start');
  }, 60_000);

  it('runs into the evening peak and stations change colour', async () => {
    await page.getByRole('button', { name: 'Speed max' }).click();
    await page.getByRole('button', { name: /^Play/ }).click();
    await expect.poll(async () => (await clock()) >= '17:45:00', { timeout: 90_000, interval: 250 }).toBe(true);
    await page.getByRole('button', { name: /^Pause/ }).click();
    await expect.poll(async () => page.getByTestId('sim-state').textContent()).toMatch(/paused/);
    const busy = (await legendCount('Rising wait')) + (await legendCount('High wait'));
    expect(busy).toBeGreaterThan(0);
    await shot('02-city-evening-peak');
  }, 120_000);

  it('cuts power at a station from the console and sees its queue grow', async () => {
    // The busiest station of the demo (most arrivals so far), so the cut shows within a quarter of an hour.
    const simId = decodeURIComponent(/#\/city\/([^?]+)/.exec(page.url())?.[1] ?? '');
    const key = decodeURIComponent(new URL(startUrl).hash.replace('#key=', ''));
    const res = await fetch(`${server.url}/api/v1/simulations/${simId}/assets?kind=station`, {
      headers: { authorization: `Bearer ${key}` },
    });
    const stations = (await res.json()) as { state: { name: string }; kpis: { arrivals: number } }[];
    stations.sort((a, b) => b.kpis.arrivals - a.kpis.arrivals);
    await page.getByRole('combobox', { name: 'Find station' }).fill(stations[0].state.name);
    const drawer = page.getByRole('complementary', { name: /Station inspector/ });
    await drawer.waitFor();
    await shot('03-station-inspector');
    const queue = async (): Promise<number> =>
      Number(((await drawer.locator('[data-kpi="queue_length"] .value').textContent()) ?? '0').replace(/[^\d]/g, ''));
    const before = await queue();
    await drawer.getByRole('button', { name: /Simulate Power Cut/ }).click();
    await expect
      .poll(async () => drawer.locator('.iv-log').textContent(), { timeout: 15_000 })
      .toMatch(/trigger_outage/);
    await page.getByRole('button', { name: /Step 15 minutes/ }).click();
    await expect.poll(queue, { timeout: 20_000 }).toBeGreaterThan(before);
    await expect.poll(async () => drawer.locator('.status-badge').first().getAttribute('data-status')).toBe('offline');
    await shot('04-power-cut');
  }, 60_000);

  it('scrubs back with the slider, branches with reserve chargers open and compares', async () => {
    const slider = page.getByRole('slider', { name: /Time slider/ });
    const max = Number(await slider.getAttribute('max'));
    // 17:00 local on a scenario that starts at local midnight.
    await slider.fill(String(Math.min(max, 17 * 3600)));
    await page.getByRole('button', { name: 'Rewind here' }).waitFor();
    await shot('05-scrubbed-past');
    await page.getByRole('button', { name: 'Branch here' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByRole('combobox', { name: 'Intervention for the branch' }).selectOption('open_reserve_chargers');
    await dialog.getByRole('combobox', { name: 'Apply to' }).selectOption('__all__');
    await shot('06-branch-dialog');
    await dialog.getByRole('button', { name: 'Create branch' }).click();
    await page.waitForURL(/#\/compare\//, { timeout: 30_000 });
    const runUp = page.getByRole('button', { name: /^Run (A|B)/ });
    if (await runUp.isVisible()) await runUp.click();
    await expect
      .poll(async () => page.getByTestId('kpi-divergence').textContent(), { timeout: 60_000 })
      .toMatch(/\d\d:\d\d/);
    await shot('07-compare');
  }, 120_000);

  it('lists simulations and validates a scenario at its line', async () => {
    await page.getByRole('link', { name: 'Simulations' }).click();
    await page.getByRole('heading', { name: 'Simulations' }).waitFor();
    await shot('08-simulations');
    await page.getByRole('link', { name: 'New simulation' }).click();
    await page
      .getByRole('textbox', { name: 'Scenario YAML' })
      .fill('doppel: 1\nname: broken\npack: swap\nduration: soon\n');
    await expect
      .poll(async () => page.getByRole('list', { name: 'Validation issues' }).textContent(), { timeout: 15_000 })
      .toMatch(/line/);
    await shot('09-scenario-editor');
  }, 60_000);

  it('opens the line view with machines coloured by state', async () => {
    await page.getByRole('link', { name: 'Simulations' }).click();
    await page
      .locator('.example-card', { has: page.locator('.tag', { hasText: /^line$/ }) })
      .first()
      .getByRole('button')
      .click();
    await page.waitForURL(/#\/line\//, { timeout: 30_000 });
    await page.getByRole('button', { name: 'Speed 600x' }).click();
    await page.getByRole('button', { name: /^Play/ }).click();
    await page.locator('.machine-node').first().waitFor({ timeout: 30_000 });
    await page.waitForTimeout(3000);
    await page.getByRole('button', { name: /^Pause/ }).click();
    await page.locator('.react-flow__node').first().click();
    await page.getByRole('complementary', { name: /Machine/ }).waitFor();
    await shot('10-line');
  }, 90_000);

  it('logged no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
