/**
 * Server load benchmarks (autocannon at fixed rates against a real socket):
 *   1. God Mode interventions (PATCH) while a city-100 simulation runs paced;
 *   2. time-slider state reads (every asset as of a random instant) and live state reads;
 *   3. WebSocket fan-out: 100 clients receive every event of a 24 h city-100 run, checked for loss, duplicates, order.
 * The server and the WebSocket clients run in their own processes, so the load generator does not share a thread
 * with what it measures (the machine's cores are still shared).
 * Run: npx tsx --conditions=@doppel/source apps/server/bench/server-bench.ts [--quick]
 * Appends a dated section to bench/RESULTS.md under "Server".
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';

const quick = process.argv.includes('--quick');

const SERVER_HEADING = `## Server

Command: \`npx tsx --conditions=@doppel/source apps/server/bench/server-bench.ts\`. The server, the load generator
(autocannon at a fixed rate, 64 connections) and the 100 WebSocket clients run in three processes on the same machine.
The load average printed with each run counts every process on the machine: on 2 cores a load average of 7-9 means
the server got a fraction of a core, so such runs bound latency from above rather than measure capacity.
Each load runs first for 2 s (1 s with --quick) on a row marked cold, then for 10 s (3 s) on its own row: the cold
row is the server's first requests of that kind, while V8 compiles the request path.
`;
const durationS = quick ? 3 : 10;
/** Each load first runs this long at its rate, on a row of its own (cold: V8 compiles the request path). */
const warmUpS = quick ? 1 : 2;

interface LoadResult {
  readonly name: string;
  readonly rate: number;
  readonly achieved: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly errors: number;
  readonly non2xx: number;
}

/**
 * One fixed-rate load. With `warmUpS`, the same load runs that long first and is reported on its own row (`cold`),
 * so the measured row shows the server with its request path compiled by V8 rather than the first second after
 * start, which the cold row keeps in view.
 */
async function load(
  name: string,
  url: string,
  rate: number,
  requests: { method: 'GET' | 'PATCH'; path: string; body?: string }[],
  headers: Record<string, string>,
  warmUpS = 0,
): Promise<LoadResult[]> {
  const state = { index: 0 };
  const results: LoadResult[] = [];
  if (warmUpS > 0) {
    results.push(await fixedRate(`${name}, cold: first ${warmUpS} s`, url, rate, requests, headers, warmUpS, state));
  }
  results.push(await fixedRate(name, url, rate, requests, headers, durationS, state));
  return results;
}

async function fixedRate(
  name: string,
  url: string,
  rate: number,
  requests: { method: 'GET' | 'PATCH'; path: string; body?: string }[],
  headers: Record<string, string>,
  duration: number,
  state: { index: number },
): Promise<LoadResult> {
  const result = await autocannon({
    url,
    connections: 64,
    overallRate: rate,
    duration,
    headers,
    requests: [
      {
        setupRequest: (request) => {
          const next = requests[state.index++ % requests.length];
          return { ...request, method: next.method, path: next.path, body: next.body };
        },
      },
    ],
  });
  return {
    name,
    rate,
    achieved: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

async function main(): Promise<void> {
  const tsx = ['--conditions=@doppel/source', '--import', 'tsx'];
  const server = spawn(process.execPath, [...tsx, new URL('./bench-server.ts', import.meta.url).pathname], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const {
    url: base,
    key,
    dataDir,
  } = JSON.parse(await firstLine(server)) as { url: string; key: string; dataDir: string };
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const lines: string[] = [];
  const results: LoadResult[] = [];

  // 1. Interventions while a simulation runs (paced at 60x: an hour of city time per minute).
  const running = await api<{ id: string }>('POST', '/api/v1/simulations', { example: 'city-100', name: 'bench-iv' });
  await api('POST', `/api/v1/simulations/${running.id}/run-until`, { t: 6 * 3600 });
  await api('POST', `/api/v1/simulations/${running.id}/run`, { speed: 60 });
  const stations = Array.from({ length: 100 }, (_, i) => `station_${String(i + 1).padStart(3, '0')}`);
  const patch = stations.map((station, i) => ({
    method: 'PATCH' as const,
    path: `/simulation/${running.id}/assets/station/${station}`,
    body: JSON.stringify({ action: 'set_service_speed', factor: 1 + (i % 5) / 10 }),
  }));
  const first = await fetch(base + patch[0].path, { method: 'PATCH', headers, body: patch[0].body });
  if (!first.ok) throw new Error(`PATCH check failed: ${first.status} ${await first.text()}`);
  results.push(
    ...(await load('PATCH God Mode intervention (city-100 running at 60x)', base, 2000, patch, headers, warmUpS)),
  );
  const ivCount = (await api<unknown[]>('GET', `/api/v1/simulations/${running.id}/interventions`)).length;
  await api('POST', `/api/v1/simulations/${running.id}/pause`, {});

  // 2. State reads: the time slider (every asset as of a random instant) and the live head.
  const slider = await api<{ id: string }>('POST', '/api/v1/simulations', {
    example: 'city-100',
    name: 'bench-slider',
  });
  await api('POST', `/api/v1/simulations/${slider.id}/run-until`, { t: 86_400 });
  const timed = async (path: string): Promise<{ ms: number; bytes: number }> => {
    const start = performance.now();
    const response = await fetch(base + path, { headers });
    const bytes = (await response.arrayBuffer()).byteLength;
    return { ms: performance.now() - start, bytes };
  };
  const stationsAt = await timed(`/api/v1/simulations/${slider.id}/state?t=61234&kind=station`);
  const everything = await timed(`/api/v1/simulations/${slider.id}/state?t=64800`);
  const instants = Array.from({ length: 500 }, (_, i) => Math.round((i * 86_400) / 500));
  results.push(
    ...(await load(
      'GET state at t (time slider, city-100, all stations, 500 instants)',
      base,
      50,
      instants.map((t) => ({
        method: 'GET' as const,
        path: `/api/v1/simulations/${slider.id}/state?t=${t}&kind=station`,
      })),
      headers,
      warmUpS,
    )),
  );
  results.push(
    ...(await load(
      'GET live state (city-100 stations with status and KPIs)',
      base,
      100,
      [{ method: 'GET', path: `/api/v1/simulations/${slider.id}/state?kind=station` }],
      headers,
      warmUpS,
    )),
  );

  // 3. WebSocket fan-out: 100 clients, every event of a 24 h city-100 run.
  const fan = await api<{ id: string }>('POST', '/api/v1/simulations', { example: 'city-100', name: 'bench-ws' });
  const clients = 100;
  const streamUrl = `${base.replace('http', 'ws')}/api/v1/simulations/${fan.id}/stream?afterSeq=0`;
  const watcher = spawn(
    process.execPath,
    [...tsx, new URL('./ws-clients.ts', import.meta.url).pathname, streamUrl, key, String(clients)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const watcherLines = createInterface({ input: watcher.stdout as NodeJS.ReadableStream });
  const nextLine = (): Promise<string> => new Promise((resolve) => watcherLines.once('line', resolve));
  await nextLine();
  const fanStart = performance.now();
  const finished = await api<{ headSeq: number }>('POST', `/api/v1/simulations/${fan.id}/run-until`, { t: 86_400 });
  const runMs = performance.now() - fanStart;
  const statsLine = nextLine();
  watcher.stdin?.end(String(finished.headSeq));
  const report = JSON.parse(await statsLine) as {
    waitedMs: number;
    stats: { last: number; count: number; outOfOrder: number; gaps: number }[];
  };
  const deliverMs = runMs + report.waitedMs;
  const complete = report.stats.filter(
    (state) => state.last === finished.headSeq && state.count === finished.headSeq && state.outOfOrder === 0,
  );
  const gaps = report.stats.reduce((sum, state) => sum + state.gaps, 0);

  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  rmSync(dataDir, { recursive: true, force: true });

  const cpu = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, load average ${loadavg()[0].toFixed(1)} at the end`;
  lines.push(
    `### ${new Date().toISOString().slice(0, 16)}Z${quick ? ' (quick)' : ''} — ${cpu}, Node ${process.version}`,
  );
  lines.push('');
  lines.push(
    '| load (autocannon, fixed rate, 64 connections) | target req/s | achieved req/s | p50 ms | p99 ms | max ms | errors | non-2xx |',
  );
  lines.push('|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    lines.push(
      `| ${r.name} | ${r.rate} | ${r.achieved} | ${r.p50} | ${r.p99} | ${r.max} | ${r.errors} | ${r.non2xx} |`,
    );
  }
  lines.push('');
  lines.push(
    `- Each load ran ${warmUpS} s at its rate first, on its "cold" row (the first requests of that kind: V8 still compiling the request path), then ${durationS} s on its own row.`,
  );
  lines.push(
    `- Interventions logged during the PATCH run: ${ivCount} (each validated against the pack schema and applied at the current sim time).`,
  );
  lines.push(
    `- Single time-slider reads before the load (first read of an instant, nothing cached): all 100 stations ${stationsAt.ms.toFixed(1)} ms (${(stationsAt.bytes / 1024).toFixed(0)} KiB); every asset of the city (stations, batteries, riders) ${everything.ms.toFixed(1)} ms (${(everything.bytes / 1024).toFixed(0)} KiB).`,
  );
  lines.push(
    `- WebSocket fan-out: ${clients} clients, 24 h city-100 run of ${finished.headSeq} ledger events: run ${(runMs / 1000).toFixed(2)} s, all delivered after ${(deliverMs / 1000).toFixed(2)} s; ${complete.length}/${clients} clients got every event exactly once in order (gap notices: ${gaps}, served from the store).`,
  );
  lines.push('');
  const text = lines.join('\n');
  process.stdout.write(`${text}\n`);
  // The repository's benchmark record, under its "Server" heading (created on the first run).
  const resultsPath = new URL('../../../bench/RESULTS.md', import.meta.url).pathname;
  if (!existsSync(resultsPath)) writeFileSync(resultsPath, '# Benchmark results\n');
  if (!/^## Server$/m.test(readFileSync(resultsPath, 'utf8'))) appendFileSync(resultsPath, `\n${SERVER_HEADING}`);
  appendFileSync(resultsPath, `\n${text}`);
}

function firstLine(child: ChildProcess): Promise<string> {
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  return new Promise((resolve) => lines.once('line', resolve));
}

await main();
