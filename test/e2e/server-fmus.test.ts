import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmuEntries, TEST_FMUS, testFmu, zipFmu } from '@doppel/bridge-fmi/testing';
import type { DoppelClient } from '@doppel/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemOf, startTestServer, type TestServer } from './server-helpers.js';

/** A raw request to the server (bodies the typed client would never send). */
async function post(server: TestServer, key: string, body: string | FormData, contentType?: string) {
  const response = await fetch(`${server.url}/api/v1/fmus`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, ...(contentType !== undefined ? { 'content-type': contentType } : {}) },
    body,
  });
  return { status: response.status, problem: (await response.json()) as { code: string; detail: string } };
}

// Uploads through the real HTTP server and the typed client: the archive is validated before anything is stored,
// every refusal names the file and the element, and one account never sees another's FMUs.
describe('FMUs through the API', { timeout: 120_000 }, () => {
  let server: TestServer;
  let engineer: { key: string; client: DoppelClient };
  let mallory: { key: string; client: DoppelClient };
  let lagEntries: Record<string, Uint8Array>;
  const lagXml = (): string => new TextDecoder().decode(lagEntries['modelDescription.xml']);
  const withXml = (xml: string): Uint8Array =>
    zipFmu({ ...lagEntries, 'modelDescription.xml': new TextEncoder().encode(xml) });
  const storedFiles = (): string[] => {
    try {
      return readdirSync(join(server.config.dataDir, 'fmus')).sort();
    } catch {
      return [];
    }
  };

  beforeAll(async () => {
    server = await startTestServer({ limits: { fmuUploadLimitBytes: 256 * 1024, maxFmusPerAccount: 4 } });
    engineer = await server.account('engineer');
    mallory = await server.account('mallory');
    lagEntries = fmuEntries(TEST_FMUS.lag);
  });
  afterAll(async () => {
    await server.close();
  });

  it('uploads FMI 2.0 and 3.0 FMUs, lists, reads and deletes them', async () => {
    const bytes = readFileSync(testFmu('lag'));
    const lag = await engineer.client.fmus.upload(bytes, 'lag.fmu');
    expect(lag).toMatchObject({
      name: 'lag.fmu',
      fmiVersion: '2.0',
      modelName: 'lag',
      sizeBytes: bytes.length,
      capabilities: { modelIdentifier: 'lag' },
      defaultExperiment: { startTime: 0, stopTime: 5, stepSize: 0.1 },
    });
    expect(lag.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(lag.variables.map((v) => [v.name, v.causality, v.type, v.unit ?? null])).toEqual([
      ['u', 'input', 'Real', null],
      ['y', 'output', 'Real', 'K'],
      ['T', 'parameter', 'Real', 's'],
      ['time', 'independent', 'Real', 's'],
    ]);
    expect(lag.variables.find((v) => v.name === 'T')).toMatchObject({ start: 1, variability: 'fixed' });

    const lag3 = await engineer.client.fmus.upload(readFileSync(testFmu('lag3')), 'lag3.fmu');
    expect(lag3).toMatchObject({ fmiVersion: '3.0', capabilities: { modelIdentifier: 'lag' } });
    expect(lag3.variables.map((v) => v.type)).toEqual(['Float64', 'Float64', 'Float64', 'Float64']);

    // The same archive again is another FMU: nothing is keyed on the guid or the content.
    const again = await engineer.client.fmus.upload(bytes, 'lag.fmu');
    expect(again.id).not.toBe(lag.id);
    expect(again.sha256).toBe(lag.sha256);

    const list = await engineer.client.fmus.list();
    expect(list.map((item) => item.id)).toEqual([lag.id, lag3.id, again.id]);
    expect(list[0]).toMatchObject({ name: 'lag.fmu', variableCount: 4 });
    expect(list[0]).not.toHaveProperty('variables');
    expect(await engineer.client.fmus.get(lag.id)).toEqual(lag);
    // The archive is kept exactly as uploaded.
    expect(readFileSync(join(server.config.dataDir, 'fmus', `${lag.id}.fmu`)).equals(bytes)).toBe(true);

    await engineer.client.fmus.delete(again.id);
    expect((await problemOf(engineer.client.fmus.get(again.id))).status).toBe(404);
    expect(storedFiles()).toEqual([`${lag.id}.fmu`, `${lag3.id}.fmu`].sort());
  });

  it("keeps one account's FMUs from another", async () => {
    const [own] = await engineer.client.fmus.list();
    expect(own).toBeDefined();
    expect(await mallory.client.fmus.list()).toEqual([]);
    for (const call of [mallory.client.fmus.get(own.id), mallory.client.fmus.delete(own.id)]) {
      const problem = await problemOf(call);
      expect(problem.status).toBe(404);
      expect(problem.problem?.code).toBe('DOPPEL_ERR_NOT_FOUND');
    }
    expect((await engineer.client.fmus.get(own.id)).id).toBe(own.id);
    const reader = await server.account('reader', ['read']);
    const denied = await problemOf(reader.client.fmus.upload(readFileSync(testFmu('lag')), 'lag.fmu'));
    expect(denied.problem?.code).toBe('DOPPEL_ERR_FORBIDDEN');
  });

  it('refuses bad archives with the file and the element named, storing nothing', async () => {
    const before = storedFiles();
    const cases: { name: string; bytes: Uint8Array; code: string; says: string[] }[] = [
      {
        name: 'notes.fmu',
        bytes: new TextEncoder().encode('this is not a zip'),
        code: 'DOPPEL_ERR_FMU_ARCHIVE_INVALID',
        says: ['notes.fmu: is not a readable zip archive'],
      },
      {
        name: 'nobinary.fmu',
        bytes: zipFmu({ 'modelDescription.xml': lagEntries['modelDescription.xml'] }),
        code: 'DOPPEL_ERR_FMU_NO_BINARY_FOR_PLATFORM',
        says: ['nobinary.fmu: has no binary for this platform', 'binaries/linux64/lag.so'],
      },
      {
        name: 'future.fmu',
        bytes: withXml(lagXml().replace('fmiVersion="2.0"', 'fmiVersion="4.0"')),
        code: 'DOPPEL_ERR_FMU_UNSUPPORTED_VERSION',
        says: ['future.fmu/modelDescription.xml: fmiModelDescription', '"4.0"'],
      },
      {
        name: 'me.fmu',
        bytes: withXml(
          lagXml()
            .replace(/<CoSimulation\b/, '<ModelExchange')
            .replace(/<\/CoSimulation>/, '</ModelExchange>'),
        ),
        code: 'DOPPEL_ERR_FMU_NOT_COSIMULATION',
        says: ['me.fmu/modelDescription.xml', 'model exchange only'],
      },
      {
        name: 'badstart.fmu',
        bytes: withXml(lagXml().replace('start="1" unit="s"', 'start="abc" unit="s"')),
        code: 'DOPPEL_ERR_FMU_MODEL_DESCRIPTION_INVALID',
        says: ['badstart.fmu/modelDescription.xml: ModelVariables/ScalarVariable[3] "T"', 'abc'],
      },
      {
        name: 'broken.fmu',
        bytes: withXml(lagXml().replace('</fmiModelDescription>', '')),
        code: 'DOPPEL_ERR_FMU_MODEL_DESCRIPTION_INVALID',
        says: ['broken.fmu/modelDescription.xml', 'not well-formed XML'],
      },
    ];
    for (const item of cases) {
      const problem = await problemOf(engineer.client.fmus.upload(item.bytes, item.name));
      expect(problem.status, item.name).toBe(422);
      expect(problem.problem?.code, item.name).toBe(item.code);
      for (const text of item.says) expect(problem.problem?.detail, item.name).toContain(text);
      expect(problem.problem?.issues?.[0]?.path).toBe('body.file');
    }
    expect(storedFiles()).toEqual(before);
  });

  it('answers hostile and malformed uploads with 4xx, never a 5xx', async () => {
    const before = storedFiles();
    const tooLarge = await problemOf(engineer.client.fmus.upload(new Uint8Array(300 * 1024), 'big.fmu'));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.problem?.detail).toContain('larger than 262144 bytes');

    const json = await post(server, engineer.key, '{"file":"x"}', 'application/json');
    expect(json.status).toBe(415);
    expect(json.problem.detail).toContain('multipart/form-data');

    const noFile = new FormData();
    noFile.append('name', 'lag');
    const missing = await post(server, engineer.key, noFile);
    expect(missing).toMatchObject({ status: 422, problem: { code: 'DOPPEL_ERR_VALIDATION' } });
    expect(missing.problem.detail).toContain('body.file: missing');

    const wrongField = new FormData();
    wrongField.append('archive', new Blob([readFileSync(testFmu('lag'))]), 'lag.fmu');
    expect(await post(server, engineer.key, wrongField)).toMatchObject({
      status: 422,
      problem: { detail: 'body.archive: unknown field' },
    });

    const cut = '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.fmu"\r\n\r\nPK\u0003\u0004abc';
    const truncated = await post(server, engineer.key, cut, 'multipart/form-data; boundary=xyz');
    expect(truncated.status).toBe(400);
    expect(truncated.problem.code).toBe('DOPPEL_ERR_MALFORMED_BODY');

    const noBoundary = await post(server, engineer.key, 'abc', 'multipart/form-data');
    expect(noBoundary.status).toBeGreaterThanOrEqual(400);
    expect(noBoundary.status).toBeLessThan(500);

    const manyFiles = new FormData();
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f']) manyFiles.append(name, new Blob(['x']), `${name}.fmu`);
    const many = await post(server, engineer.key, manyFiles);
    expect(many.status).toBeGreaterThanOrEqual(400);
    expect(many.status).toBeLessThan(500);

    // A file name is only a name: folders and control characters are dropped.
    const named = await engineer.client.fmus.upload(readFileSync(testFmu('lag')), '../../etc/\u0007lag.fmu');
    expect(named.name).toBe('lag.fmu');
    await engineer.client.fmus.delete(named.id);
    expect(storedFiles()).toEqual(before);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it('keeps at most the configured number of FMUs per account', async () => {
    const bytes = readFileSync(testFmu('lag'));
    while ((await engineer.client.fmus.list()).length < 4) await engineer.client.fmus.upload(bytes, 'lag.fmu');
    const refused = await problemOf(engineer.client.fmus.upload(bytes, 'lag.fmu'));
    expect(refused.status).toBe(409);
    expect(refused.problem?.code).toBe('DOPPEL_ERR_LIMIT_EXCEEDED');
    // Another account has its own allowance.
    expect((await mallory.client.fmus.upload(bytes, 'lag.fmu')).name).toBe('lag.fmu');
  });
});
