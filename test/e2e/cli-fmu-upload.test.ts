import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testFmu } from '@doppel/bridge-fmi/testing';
import type { FmuSummary } from '@doppel/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doppelAsync, tempDir } from './cli-helpers.js';
import { startTestServer, type TestServer } from './server-helpers.js';

// The built CLI uploading to a real server over a socket: what it prints, and its exit codes (0 stored, 2 refused
// by the server or bad input, 1 no server).
describe('doppel fmu upload and list', { timeout: 120_000 }, () => {
  let server: TestServer;
  let key: string;
  beforeAll(async () => {
    server = await startTestServer();
    key = (await server.account('engineer')).key;
  });
  afterAll(async () => {
    await server.close();
  });

  it('uploads an FMU and lists it, with the key from a flag or the environment', async () => {
    const uploaded = await doppelAsync(['fmu', 'upload', testFmu('lag'), '--server', server.url, '--key', key]);
    expect(uploaded.status, uploaded.stderr).toBe(0);
    expect(uploaded.stdout).toMatch(/^fmu_\S+ {2}lag\.fmu {2}FMI 2\.0 {2}lag {2}4 variables {2}\d+ bytes\n$/);
    const listed = await doppelAsync(['fmu', 'list', '--json'], { DOPPEL_SERVER: server.url, DOPPEL_API_KEY: key });
    expect(listed.status, listed.stderr).toBe(0);
    const list = JSON.parse(listed.stdout) as FmuSummary[];
    expect(list.map((item) => [item.id, item.name, item.fmiVersion])).toEqual([
      [uploaded.stdout.split(' ')[0], 'lag.fmu', '2.0'],
    ]);
  });

  it('exit 2 when the server refuses the FMU or no key is given, exit 1 when no server answers', async () => {
    const dir = tempDir('fmu-upload');
    writeFileSync(join(dir, 'junk.fmu'), 'not a zip');
    const refused = await doppelAsync(['fmu', 'upload', join(dir, 'junk.fmu'), '--server', server.url, '--key', key]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('junk.fmu: is not a readable zip archive');
    expect(refused.stderr).toContain('[DOPPEL_ERR_FMU_ARCHIVE_INVALID]');
    const noKey = await doppelAsync(['fmu', 'list', '--server', server.url], { DOPPEL_API_KEY: '' });
    expect(noKey.status).toBe(2);
    expect(noKey.stderr).toContain('No API key');
    const badKey = await doppelAsync(['fmu', 'list', '--server', server.url, '--key', 'nope']);
    expect(badKey.status).toBe(2);
    expect(badKey.stderr).toContain('DOPPEL_ERR_UNAUTHORIZED');
    const down = await doppelAsync(['fmu', 'list', '--server', 'http://127.0.0.1:1', '--key', key]);
    expect(down.status).toBe(1);
    expect(down.stderr).toContain('Network error');
    for (const result of [refused, noKey, badKey, down]) expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
