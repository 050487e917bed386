import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_REPORTED_ISSUES } from '@doppel/twin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLimits } from '../src/config.js';
import { buildApp, type DoppelApp } from '../src/index.js';

/** "Billion laughs" in about 400 bytes: nine levels, each listing the previous one nine times. */
const bomb = [
  'doppel: 1',
  'pack: swap',
  'l0: &l0 "lol"',
  ...Array.from(
    { length: 9 },
    (_, index) => `l${index + 1}: &l${index + 1} [${Array.from({ length: 9 }, () => `*l${index}`).join(', ')}]`,
  ),
].join('\n');

const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

interface RawAnswer {
  readonly status: number;
  readonly headers: string;
  readonly body: string;
}

/** Sends raw bytes on a fresh connection and reads until the server closes it (or `waitMs` passes). */
function raw(port: number, request: string | Buffer, waitMs = 15_000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${waitMs} ms`));
    }, waitMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const [head, ...rest] = text.split('\r\n\r\n');
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0),
        headers: head,
        body: rest.join('\r\n\r\n'),
      });
    });
    socket.write(request);
  });
}

function expectProblem(answer: RawAnswer, status: number, code: string): void {
  expect(answer.status).toBe(status);
  expect(answer.headers.toLowerCase()).toContain('content-type: application/problem+json');
  expect(JSON.parse(answer.body)).toMatchObject({ status, code, type: expect.any(String), title: expect.any(String) });
}

describe('hostile input', () => {
  let built: DoppelApp;
  let dir: string;
  let port: number;
  let auth: Record<string, string>;
  let simId: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'doppel-hostile-'));
    built = await buildApp({ dataDir: dir, logLevel: false, webDir: null, limits: { receiveTimeoutMs: 1_500 } });
    await built.app.listen({ host: '127.0.0.1', port: 0 });
    const address = built.app.server.address();
    port = typeof address === 'object' && address !== null ? address.port : 0;
    auth = { authorization: `Bearer ${(await built.context.catalog.createAccount('alice', ['read', 'write'])).key}` };
    const created = await built.app.inject({
      method: 'POST',
      url: '/api/v1/simulations',
      headers: auth,
      payload: { example: 'city-10' },
    });
    simId = (created.json() as { id: string }).id;
  });
  afterAll(async () => {
    await built.app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const healthy = async (): Promise<void> => {
    expect((await built.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  };

  describe('YAML alias bombs get a located 422', () => {
    it.each([
      ['validate, JSON body', '/api/v1/scenarios/validate', 'application/json', JSON.stringify({ scenario: bomb })],
      ['validate, YAML body', '/api/v1/scenarios/validate', 'application/yaml', bomb],
      ['create, YAML body', '/api/v1/simulations', 'application/yaml', bomb],
    ])('%s', async (_name, url, type, payload) => {
      const response = await built.app.inject({
        method: 'POST',
        url,
        headers: { ...auth, 'content-type': type },
        payload,
      });
      expect(response.statusCode).toBe(422);
      expect(response.headers['content-type']).toContain('application/problem+json');
      const problem = response.json() as { code: string; issues: { line: number; message: string }[] };
      expect(problem.code).toBe('DOPPEL_ERR_SCENARIO_INVALID');
      expect(problem.issues[0].line).toBe(8);
      expect(problem.issues[0].message).toMatch(/aliases here adds more than 100000 values/);
      await healthy();
    });
  });

  describe('deeply nested JSON is refused at the edge', () => {
    it.each([65, 1_000, 10_000, 200_000])(
      'a God Mode PATCH nested %i deep is a 422 naming the limit',
      async (depth) => {
        const response = await built.app.inject({
          method: 'PATCH',
          url: `/api/v1/simulations/${simId}/assets/station/s1`,
          headers: { ...auth, 'content-type': 'application/json' },
          payload: `{"action":"inject_fault","args":${nested(depth)}}`,
        });
        expect(response.statusCode).toBe(422);
        expect(response.json()).toMatchObject({ code: 'DOPPEL_ERR_INPUT_LIMIT' });
        expect((response.json() as { detail: string }).detail).toMatch(/nested more than 64 levels/);
        await healthy();
      },
    );

    it('nesting within the limit still reaches the simulation', async () => {
      const response = await built.app.inject({
        method: 'PATCH',
        url: `/api/v1/simulations/${simId}/assets/station/nosuch`,
        headers: { ...auth, 'content-type': 'application/json' },
        payload: `{"action":"inject_fault","args":${nested(60)}}`,
      });
      expect(response.json()).toMatchObject({ code: 'DOPPEL_ERR_UNKNOWN_ASSET' });
    });
  });

  describe('sizes and characters', () => {
    it('a body of 50,000 unknown keys gets a bounded answer', async () => {
      const body: Record<string, unknown> = { scenario: 'doppel: 1' };
      for (let index = 0; index < 50_000; index += 1) body[`unknown_${index}`] = index;
      const response = await built.app.inject({
        method: 'POST',
        url: '/api/v1/scenarios/validate',
        headers: auth,
        payload: body,
      });
      expect(response.statusCode).toBe(422);
      expect(response.body.length).toBeLessThan(20_000);
      const problem = response.json() as { issues: unknown[]; detail: string };
      expect(problem.issues).toHaveLength(MAX_REPORTED_ISSUES);
      expect(problem.detail).toMatch(/49950 more issues not listed/);
    });

    it.each([
      ['a 1 MB id', { physical_vehicle_id: 'v'.repeat(1024 * 1024), model_type: 'van' }, 'body.physical_vehicle_id'],
      ['a NUL in an id', { physical_vehicle_id: 'v\u0000', model_type: 'van' }, 'body.physical_vehicle_id'],
      [
        'a control character in an id',
        { physical_vehicle_id: 'v\u001b[31m', model_type: 'van' },
        'body.physical_vehicle_id',
      ],
    ])('%s is refused with the field named', async (_name, payload, path) => {
      const response = await built.app.inject({ method: 'POST', url: '/api/v1/twin/vehicles', headers: auth, payload });
      expect(response.statusCode).toBe(422);
      expect((response.json() as { issues: { path: string }[] }).issues.map((issue) => issue.path)).toContain(path);
    });

    it('a NUL or an overlong id in a path is a 4xx problem', async () => {
      for (const url of [`/api/v1/simulations/sim%00x`, `/api/v1/simulations/${'s'.repeat(300)}`]) {
        const response = await built.app.inject({ method: 'GET', url, headers: auth });
        // The router itself may refuse a NUL (404: no route matches) before the id schema does (422).
        expect([404, 422]).toContain(response.statusCode);
        expect(response.headers['content-type']).toContain('application/problem+json');
      }
    });

    it('a scenario name with a control character is refused', async () => {
      const response = await built.app.inject({
        method: 'POST',
        url: '/api/v1/simulations',
        headers: auth,
        payload: { example: 'city-10', name: 'a\u0000b' },
      });
      expect(response.statusCode).toBe(422);
      expect(response.json()).toMatchObject({ issues: [{ path: 'body.name' }] });
    });
  });

  describe('every error is problem+json, parser errors included', () => {
    it('a body shorter than its Content-Length is answered 408 once the receive timeout passes', async () => {
      expect(defaultLimits.receiveTimeoutMs).toBeLessThanOrEqual(10_000);
      const answer = await raw(
        port,
        `POST /api/v1/scenarios/validate HTTP/1.1\r\nHost: x\r\n${auth.authorization ? `Authorization: ${auth.authorization}\r\n` : ''}Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"scenario":`,
      );
      expectProblem(answer, 408, 'DOPPEL_ERR_REQUEST_TIMEOUT');
    });

    it('headers over the size limit: 431', async () => {
      expectProblem(
        await raw(port, `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`),
        431,
        'DOPPEL_ERR_HEADERS_TOO_LARGE',
      );
    });

    it('a URL whose path is too long: 414 or 431, problem+json', async () => {
      const answer = await raw(
        port,
        `GET /api/v1/simulations/${'a'.repeat(2_000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      );
      expectProblem(answer, 414, 'DOPPEL_ERR_URI_TOO_LONG');
    });

    it('a malformed URL and a malformed request line: 400', async () => {
      expectProblem(
        await raw(port, `GET /api/v1/simulations/%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
        400,
        'DOPPEL_ERR_BAD_REQUEST',
      );
      expectProblem(await raw(port, `NOT HTTP AT ALL\r\n\r\n`), 400, 'DOPPEL_ERR_BAD_REQUEST');
    });

    it('an unknown route: 404', async () => {
      expectProblem(
        await raw(port, `GET /no/such/route HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
        404,
        'DOPPEL_ERR_NOT_FOUND',
      );
    });

    it('a plain GET on the stream route: 426', async () => {
      const response = await built.app.inject({
        method: 'GET',
        url: `/api/v1/simulations/${simId}/stream`,
        headers: auth,
      });
      expect(response.statusCode).toBe(426);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json()).toMatchObject({ code: 'DOPPEL_ERR_UPGRADE_REQUIRED' });
    });

    it('a CEL breakpoint error names the field and the place in the expression', async () => {
      const response = await built.app.inject({
        method: 'POST',
        url: `/api/v1/simulations/${simId}/breakpoints`,
        headers: auth,
        payload: { expression: "station('s4').queue_length >" },
      });
      expect(response.statusCode).toBe(422);
      expect(response.json()).toMatchObject({
        code: 'DOPPEL_ERR_INVALID_EXPRESSION',
        issues: [{ path: 'body.expression', line: 1, column: 29 }],
      });
    });
  });
});

describe('failed authentication is rate-limited per address', () => {
  let built: DoppelApp;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'doppel-brute-'));
    built = await buildApp({
      dataDir: dir,
      logLevel: false,
      webDir: null,
      limits: { authFailuresMax: 20, rateLimitMax: 30 },
    });
  });
  afterAll(async () => {
    await built.app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('rotating forged keys get 429 after the limit, even a valid key from that address; others are unaffected', async () => {
    const valid = (await built.context.catalog.createAccount('bob', ['read'])).key;
    const statuses: number[] = [];
    for (let index = 0; index < 60; index += 1) {
      const response = await built.app.inject({
        method: 'GET',
        url: '/api/v1/simulations',
        headers: { authorization: `Bearer dk_forged${index}_${'x'.repeat(20)}` },
        remoteAddress: '10.9.8.7',
      });
      statuses.push(response.statusCode);
    }
    expect(statuses.slice(0, 20).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(20).every((status) => status === 429)).toBe(true);
    const blocked = await built.app.inject({
      method: 'GET',
      url: '/api/v1/simulations',
      headers: { authorization: `Bearer ${valid}` },
      remoteAddress: '10.9.8.7',
    });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['retry-after']).toMatch(/^\d+$/);
    expect(blocked.json()).toMatchObject({ code: 'DOPPEL_ERR_RATE_LIMITED' });
    const elsewhere = await built.app.inject({
      method: 'GET',
      url: '/api/v1/simulations',
      headers: { authorization: `Bearer ${valid}` },
      remoteAddress: '10.1.1.1',
    });
    expect(elsewhere.statusCode).toBe(200);
  });

  it('the per-key limit still counts a valid key', async () => {
    const key = (await built.context.catalog.createAccount('carol', ['read'])).key;
    const statuses: number[] = [];
    for (let index = 0; index < 35; index += 1) {
      const response = await built.app.inject({
        method: 'GET',
        url: '/api/v1/simulations',
        headers: { authorization: `Bearer ${key}` },
        remoteAddress: '10.2.2.2',
      });
      statuses.push(response.statusCode);
    }
    expect(statuses.filter((status) => status === 200)).toHaveLength(30);
    expect(statuses.slice(30).every((status) => status === 429)).toBe(true);
  });
});
