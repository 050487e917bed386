/**
 * What the browser tests share: the web app built from its sources, the real server with its demo account,
 * Debian's Chromium through playwright-core, screenshots, and an axe-core audit of the page.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import axe from 'axe-core';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { startServer, type RunningServer, type StartOptions } from '@doppel/server';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CHROMIUM = '/usr/bin/chromium';
export const SHOTS = join(ROOT, 'test-output', 'screenshots');
export const haveChromium = existsSync(CHROMIUM);
/** Outside CI a machine without Chromium skips the browser tests (saying why); in CI they fail. */
export const skipBrowser = !haveChromium && process.env.CI === undefined;
if (skipBrowser) console.warn(`browser tests skipped: ${CHROMIUM} is missing (apt-get install chromium)`);

/** Flags Debian's Chromium needs here: no sandbox, no GPU, and nothing that reaches the network by itself. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

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
export function ensureWebBuilt(): void {
  const index = join(ROOT, 'apps/web/dist/index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newest(join(ROOT, 'apps/web/src'))) return;
  const r = spawnSync('npm', ['run', 'build', '-w', '@doppel/web'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('web build failed');
}

export interface BrowserRig {
  readonly server: RunningServer;
  readonly startUrl: string;
  /** The demo account's API key. */
  readonly key: string;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors and uncaught page errors seen so far. */
  readonly consoleErrors: string[];
  shot(name: string): Promise<string>;
  close(): Promise<void>;
}

/** What a test file may add to its server: a bridge to a real broker (`mqttUrl`). */
export type RigServerOptions = Pick<StartOptions, 'mqttUrl'>;

/** One real server (demo account and city, SQLite in a temp folder) and one Chromium page for a test file. */
export async function startRig(
  viewport = { width: 1280, height: 800 },
  serverOptions: RigServerOptions = {},
): Promise<BrowserRig> {
  if (!haveChromium) throw new Error(`${CHROMIUM} is missing: install the Debian chromium package`);
  ensureWebBuilt();
  mkdirSync(SHOTS, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'doppel-web-data-'));
  const userDir = mkdtempSync(join(tmpdir(), 'doppel-web-chromium-'));
  const server = await startServer({
    ...serverOptions,
    port: 0,
    dataDir,
    demo: true,
    logLevel: 'warn',
    handleSignals: false,
  });
  if (server.demo === null) throw new Error('the server started without its demo');
  const startUrl = server.demo.signInUrl;
  const key = decodeURIComponent(new URL(startUrl).hash.replace('#key=', ''));
  const context = await chromium.launchPersistentContext(userDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleErrors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => consoleErrors.push(String(err)));
  return {
    server,
    startUrl,
    key,
    context,
    page,
    consoleErrors,
    async shot(name) {
      const path = join(SHOTS, `${name}.png`);
      await page.screenshot({ path });
      return path;
    },
    async close() {
      await context.close();
      await server.close();
      for (const dir of [dataDir, userDir]) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A test file's rig, started before its first test and closed after its last. */
export interface BrowserView {
  readonly rig: BrowserRig;
  readonly page: Page;
  /** A screenshot named `<prefix>-<name>.png` (`<name>.png` without a prefix). */
  shot(name: string): Promise<string>;
  /** Fails naming the view and every WCAG A/AA violation axe-core finds on the page as it is now. */
  expectAxeClean(view: string): Promise<void>;
}

/** One rig for the test file that calls it (a describe block's beforeAll/afterAll), its screenshots named by `prefix`. */
export function browserView(
  prefix: string,
  viewport?: { width: number; height: number },
  serverOptions?: RigServerOptions,
): BrowserView {
  let started: BrowserRig | undefined;
  beforeAll(async () => {
    started = await startRig(viewport, serverOptions);
  }, 240_000);
  afterAll(async () => {
    await started?.close();
  });
  const rig = (): BrowserRig => {
    if (started === undefined) throw new Error('the browser rig is used before it started (outside a test)');
    return started;
  };
  return {
    get rig() {
      return rig();
    },
    get page() {
      return rig().page;
    },
    shot: (name) => rig().shot(prefix === '' ? name : `${prefix}-${name}`),
    async expectAxeClean(view) {
      const found = await axeViolations(rig().page);
      expect(found, `axe on ${view}: ${JSON.stringify(found, null, 1)}`).toEqual([]);
    },
  };
}

/** axe-core's whole source, as the page gets it. */
const AXE_SOURCE: string = axe.source;

/** One axe-core finding, reduced to what a failing assertion should show. */
export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly string[];
}

/** WCAG 2.0/2.1 level A and AA violations on the page as it is now (axe-core injected into the page). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate<boolean>('typeof window.axe === "object"')))
    await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate<AxeViolation[]>(`(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      nodes: v.nodes.slice(0, 8).map((n) => n.target.join(' ') + ' :: ' + (n.failureSummary ?? '').replace(/\\s+/g, ' ').slice(0, 240)),
    }));
  })()`);
}

/** The demo account's REST API, for setting up what a test needs (the UI is what is under test). */
export async function apiGet<T>(rig: BrowserRig, path: string): Promise<T> {
  const res = await fetch(`${rig.server.url}${path}`, { headers: { authorization: `Bearer ${rig.key}` } });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export async function apiPost<T>(rig: BrowserRig, path: string, body: unknown): Promise<T> {
  const res = await fetch(`${rig.server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${rig.key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}
