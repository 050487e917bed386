import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { buildApp, type DoppelApp, type ServerConfigInput } from '../src/index.js';
import type { Scope } from '@doppel/catalog';

/** The app a test file drives through inject(), with its data in a temp folder of its own. */
export interface TestApp {
  readonly built: DoppelApp;
  /** A new account's API key. */
  keyFor(name: string, scopes?: readonly Scope[]): Promise<string>;
  /** A new account's authorization header. */
  bearer(name: string, scopes?: readonly Scope[]): Promise<Record<string, string>>;
}

/**
 * One app for the describe block that calls it, built before its first test (no socket, no web folder, quiet) and
 * closed with its data folder after its last. `options` adds to or overrides that configuration.
 */
export function appPerFile(name: string, options: ServerConfigInput = {}): TestApp {
  let started: { built: DoppelApp; dir: string } | undefined;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), `doppel-${name}-`));
    started = { built: await buildApp({ dataDir: dir, logLevel: false, webDir: null, ...options }), dir };
  });
  afterAll(async () => {
    if (started === undefined) return;
    await started.built.app.close();
    rmSync(started.dir, { recursive: true, force: true });
  });
  const built = (): DoppelApp => {
    if (started === undefined) throw new Error('the app is used before it was built (outside a test)');
    return started.built;
  };
  const keyFor = async (account: string, scopes?: readonly Scope[]): Promise<string> =>
    (await built().context.catalog.createAccount(account, scopes)).key;
  return {
    get built() {
      return built();
    },
    keyFor,
    bearer: async (account, scopes) => ({ authorization: `Bearer ${await keyFor(account, scopes)}` }),
  };
}
