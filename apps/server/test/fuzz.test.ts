import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type DoppelApp } from '../src/index.js';

/** Requests generated; enough to reach every route many times with every kind of hostile part. */
const REQUESTS = 10_000;
/** Requests in flight at once through inject(). */
const CONCURRENCY = 32;

interface Route {
  readonly method: string;
  readonly path: string;
}

interface Hostile {
  readonly route: Route;
  readonly params: readonly string[];
  readonly query: string;
  readonly contentType: string | null;
  readonly body: string | null;
}

const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

function hostileArbitrary(routes: readonly Route[], simId: string): fc.Arbitrary<Hostile> {
  const text = fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.constantFrom('\u0000', 'a\u0000b', '..', '%00', '%E0%A4%A', '\u202e\u0007', '😀'.repeat(50), 'x'.repeat(5_000)),
  );
  const param = fc.oneof(fc.constant(simId), fc.constantFrom('station_01', 'vehicle_001', 'station', 'vehicle'), text);
  const number = fc.oneof(
    fc.integer(),
    fc.double(),
    fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e400', '-0', '9007199254740993', '0x10', ''),
  );
  const query = fc.oneof(
    fc.constant(''),
    fc
      .array(
        fc.tuple(
          fc.constantFrom('limit', 't', 'afterSeq', 'kind', 'order', 'fromTime', 'key', 'x'),
          fc.oneof(number.map(String), text),
        ),
        { maxLength: 4 },
      )
      .map((pairs) => pairs.map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join('&')),
    fc.constant(`x=${'q'.repeat(20_000)}`),
  );
  const jsonValue = fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value));
  const fieldBody = fc
    .dictionary(
      fc.constantFrom(
        'name',
        'example',
        'scenario',
        'seed',
        'speed',
        'until',
        't',
        'action',
        'at',
        'expression',
        'url',
        'eventTypes',
        'assetId',
        'scopes',
        'interventions',
        'physical_vehicle_id',
        'model_type',
        'type',
      ),
      fc.oneof(
        jsonValue,
        number.map((value) => (typeof value === 'string' ? JSON.stringify(value) : String(value))),
      ),
      { maxKeys: 5 },
    )
    .map(
      (entries) =>
        `{${Object.entries(entries)
          .map(([key, value]) => `${JSON.stringify(key)}:${value}`)
          .join(',')}}`,
    );
  const body = fc.oneof(
    fc.constant(null),
    jsonValue,
    fieldBody,
    fc.constantFrom('{', '{"a":', '[1,2', 'nul', '{"a":NaN}', '{"until":1e400}', '\u0000', '{"__proto__":{"x":1}}'),
    fc.integer({ min: 65, max: 50_000 }).map((depth) => `{"action":"x","args":${nested(depth)}}`),
    fc.constant(`{${Array.from({ length: 3_000 }, (_, index) => `"k${index}":${index}`).join(',')}}`),
    fc.constantFrom(
      'l0: &a [x]\nl1: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nl2: [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      '- - - - - - x',
      'doppel: 1\npack: swap',
    ),
  );
  const contentType = fc.constantFrom(
    'application/json',
    'application/json',
    'application/yaml',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/json; charset=utf-16',
    'garbage/\u00ff',
    null,
  );
  return fc.record({
    route: fc.constantFrom(...routes),
    params: fc.array(param, { minLength: 4, maxLength: 4 }),
    query,
    contentType,
    body,
  });
}

function urlOf(request: Hostile): string {
  let index = 0;
  const path = request.route.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(request.params[index++] ?? 'x'));
  return request.query === '' ? path : `${path}?${request.query}`;
}

describe('fuzz: hostile requests across every route of the OpenAPI document', () => {
  let built: DoppelApp;
  let dir: string;
  let key: string;
  let simId: string;
  let routes: Route[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'doppel-fuzz-'));
    built = await buildApp({
      dataDir: dir,
      logLevel: false,
      webDir: null,
      // Limits sized for the fuzz: no request may run a simulation for long, and the limiters must not hide routes.
      limits: { maxEventsPerRun: 20_000, rateLimitMax: 1_000_000, authFailuresMax: 1_000_000 },
    });
    key = (await built.context.catalog.createAccount('fuzz', ['admin'])).key;
    const created = await built.app.inject({
      method: 'POST',
      url: '/api/v1/simulations',
      headers: { authorization: `Bearer ${key}` },
      payload: { example: 'city-10' },
    });
    simId = (created.json() as { id: string }).id;
    const spec = (await built.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    routes = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.keys(methods)
        .filter((method) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map((method) => ({ method: method.toUpperCase(), path })),
    );
  });
  afterAll(async () => {
    await built.app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`${REQUESTS} requests: no 5xx, no stack trace, the server alive after`, { timeout: 240_000 }, async () => {
    expect(routes.length).toBeGreaterThan(30);
    const requests = fc.sample(hostileArbitrary(routes, simId), { numRuns: REQUESTS, seed: 20_261_203 });
    const failures: string[] = [];
    const seen = new Set<string>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < requests.length) {
        const request = requests[next++];
        const url = urlOf(request);
        seen.add(`${request.route.method} ${request.route.path}`);
        const headers: Record<string, string> = { authorization: `Bearer ${key}` };
        if (request.contentType !== null && request.body !== null) headers['content-type'] = request.contentType;
        const response = await built.app.inject({
          method: request.route.method as 'GET',
          url,
          headers,
          ...(request.body !== null && request.route.method !== 'GET' ? { payload: request.body } : {}),
        });
        if (response.statusCode >= 500 || /\n\s+at |node_modules|\.ts:\d+/.test(response.body)) {
          failures.push(
            `${request.route.method} ${url.slice(0, 200)} -> ${response.statusCode} ${response.body.slice(0, 300)}`,
          );
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(failures.slice(0, 10)).toEqual([]);
    expect(seen.size).toBe(routes.length);
    expect((await built.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });
});
