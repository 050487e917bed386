import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Catalog } from '@doppel/server';
import { describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from './cli-helpers.js';
import { startTestServer } from './server-helpers.js';

const bin = join(repoRoot, 'apps/cli/bin/doppel.js');

interface Answer {
  readonly status: number;
  readonly type: string;
  readonly body: { code?: string; detail?: string; id?: string } & Record<string, unknown>;
}

async function call(url: string, key: string, method = 'GET', body?: unknown): Promise<Answer> {
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    body: (await response.json()) as Answer['body'],
  };
}

/**
 * `doppel serve` in a process whose files may not grow past `blocks` × 512 bytes (RLIMIT_FSIZE): writes past it
 * fail the way they fail on a full disk, for SQLite and node:fs alike, and for root too.
 */
function serveArgs(blocks: number, dataDir: string, extra: readonly string[] = []): string[] {
  return [
    '-c',
    `ulimit -S -f ${blocks}; exec "${process.execPath}" "${bin}" serve --port 0 --data "${dataDir}" ${extra.join(' ')}`,
  ];
}

describe('a full data disk', () => {
  it('a full catalog: 507 problem+json naming the data directory, nothing half-made, other tenants go on', async () => {
    const server = await startTestServer();
    try {
      const alice = await server.account('alice');
      const bob = await server.account('bob');
      const bobs = await bob.client.createSimulation({ example: 'city-10' });
      const { catalog } = server.context;
      // SQLite's own way to fill a disk: the catalog may not grow by a page from now on.
      const pages = Number(catalog.sqlite!.pragma('page_count', { simple: true }));
      catalog.sqlite!.pragma(`max_page_count = ${pages}`);
      const created: string[] = [];
      let refused: Answer | null = null;
      for (let attempt = 0; attempt < 40 && refused === null; attempt++) {
        const answer = await call(`${server.url}/api/v1/simulations`, alice.key, 'POST', { example: 'city-10' });
        if (answer.status === 201) created.push(String(answer.body.id));
        else refused = answer;
      }
      expect(refused?.status, JSON.stringify(refused?.body)).toBe(507);
      expect(refused?.type).toMatch(/^application\/problem\+json/);
      expect(refused?.body.code).toBe('DOPPEL_ERR_STORAGE_FULL');
      expect(refused?.body.detail).toContain(server.config.dataDir);
      expect(refused?.body.detail).toMatch(/the disk is full \(SQLITE_FULL\)/);
      // The refused creation left nothing behind.
      expect((await alice.client.listSimulations()).map((sim) => sim.id).sort()).toEqual([...created].sort());
      // The server is up, and another tenant's simulation runs and takes interventions.
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      expect((await bob.client.runUntil(bobs.id, 3_600)).simTime).toBe(3_600);
      const record = await bob.client.patchAsset(bobs.id, 'station', 'station_01', {
        action: 'trigger_outage',
        duration_seconds: 600,
      });
      expect(record.status).not.toBe('FAILED');
      expect((await bob.client.interventions(bobs.id)).map((item) => item.id)).toContain(record.id);
      // Space returns: creating works again.
      catalog.sqlite!.pragma('max_page_count = 1073741823');
      expect((await call(`${server.url}/api/v1/simulations`, alice.key, 'POST', { example: 'city-10' })).status).toBe(
        201,
      );
    } finally {
      await server.close();
    }
  }, 180_000);

  it('a ledger the disk refuses: 503 problem+json naming the file, the server stays up for everyone', async () => {
    const dataDir = tempDir('disk-full');
    const catalog = Catalog.open(dataDir);
    const [alice, bob] = [(await catalog.createAccount('alice')).key, (await catalog.createAccount('bob')).key];
    await catalog.close();
    const child = spawn('sh', serveArgs(8192, dataDir, ['--no-demo']), {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    try {
      while (!/running at (http\S+)/.test(stdout)) {
        expect(child.exitCode, stderr).toBeNull();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const url = `${/running at (http\S+)/.exec(stdout)?.[1]}/api/v1/simulations`;
      const small = await call(url, bob, 'POST', { example: 'city-10' });
      const big = await call(url, alice, 'POST', { example: 'city-100' });
      expect([small.status, big.status]).toEqual([201, 201]);
      // A day of city-100 is a ledger of more than 4 MB: its writes fail part way.
      await call(`${url}/${big.body.id}/run-until`, alice, 'POST', { t: 86_400 });
      const ledger = await call(`${url}/${big.body.id}/ledger?afterSeq=0&limit=5`, alice);
      expect(ledger.status, JSON.stringify(ledger.body)).toBe(503);
      expect(ledger.type).toMatch(/^application\/problem\+json/);
      expect(ledger.body.code).toBe('DOPPEL_ERR_STORAGE_FAILED');
      expect(ledger.body.detail).toContain(join(dataDir, 'sims', `${big.body.id}.sqlite`));
      // The simulation says so: failed, with the file and the cause, not finished as if its ledger were whole.
      const view = await call(`${url}/${big.body.id}`, alice);
      expect(view.body).toMatchObject({ status: 'failed', playing: false });
      expect(view.body.error).toMatch(/Cannot write the ledger .+\.sqlite: the disk/);
      // Everyone else is served as before.
      const health = await fetch(url.replace('/api/v1/simulations', '/health'));
      expect(health.status).toBe(200);
      expect((await call(`${url}/${small.body.id}/run-until`, bob, 'POST', { t: 7_200 })).body.simTime).toBe(7_200);
      const events = await call(`${url}/${small.body.id}/ledger?afterSeq=0&limit=5`, bob);
      expect(events.status).toBe(200);
      // Space returns (the running server may write large files again): the simulation opens, its ledger
      // re-executed whole.
      expect(spawnSync('prlimit', [`--pid=${child.pid}`, '--fsize=unlimited']).status).toBe(0);
      const again = await call(`${url}/${big.body.id}/ledger?afterSeq=0&limit=5`, alice);
      expect(again.status, JSON.stringify(again.body)).toBe(200);
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(child.exitCode).toBeNull();
    } finally {
      child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});

describe('start-up on a data directory that cannot be written', () => {
  const start = (args: string[]) =>
    spawnSync(args[0], args.slice(1), {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, DOPPEL_DEBUG: '' },
    });

  const expectOneLine = (result: ReturnType<typeof start>, exitCode: number, pattern: RegExp): void => {
    // A server that keeps listening is killed by the timeout: status null.
    expect(result.status, result.stderr).toBe(exitCode);
    expect(result.stdout).not.toMatch(/running at/);
    const lines = result.stderr.trim().split('\n');
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
    expect(lines[0]).not.toMatch(/internal error/);
  };

  it('exits 1 with one line when the catalog cannot be written', () => {
    const dataDir = tempDir('no-space');
    try {
      const result = start(['sh', ...serveArgs(0, dataDir)]);
      expectOneLine(result, 1, /Cannot open the catalog .+catalog\.sqlite: .+\((SQLITE_IOERR\w*|E\w+)\)/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('exits 1 with one line, and stops listening, when the disk fills while the demo is made', () => {
    const dataDir = tempDir('fills');
    try {
      const result = start(['sh', ...serveArgs(400, dataDir)]);
      expectOneLine(result, 1, /Cannot write (the ledger .+\.sqlite|to the data directory .+): .+DOPPEL_ERR_STORAGE_/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('exits non-zero with one line when the data directory is a file', () => {
    const result = start([process.execPath, bin, 'serve', '--port', '0', '--data', join(bin, 'data')]);
    expect(result.status).not.toBe(0);
    expectOneLine(result, result.status ?? -1, /not a directory/);
  });
});
