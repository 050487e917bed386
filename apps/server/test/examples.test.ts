import { resolve } from 'node:path';
import { loadScenarioText } from '@doppel/twin';
import { beforeAll, describe, expect, it } from 'vitest';
import { appPerFile } from './test-app.js';
import { builtinPacks } from '../src/packs.js';
import { ExampleCatalog } from '../src/sim/examples.js';

const EXAMPLES = resolve(import.meta.dirname, '../../../examples');

describe('example texts', () => {
  it('every listed example has a text, and a config-directory run resolves from its text to the same scenario', () => {
    const catalog = new ExampleCatalog(EXAMPLES);
    const listed = catalog.list();
    expect(listed.some((e) => e.format === 'config-dir')).toBe(true);
    for (const example of listed) {
      const text = catalog.text(example.id, builtinPacks);
      expect(text, example.id).not.toBeNull();
      if (example.format !== 'config-dir') continue;
      const again = loadScenarioText(text as string, { fileName: `${example.id}.yaml`, packs: builtinPacks });
      expect(again.sha256, example.id).toBe(catalog.load(example.id, builtinPacks)?.sha256);
    }
  });

  describe('over HTTP', () => {
    const server = appPerFile('examples');
    let headers: Record<string, string>;
    beforeAll(async () => {
      headers = await server.bearer('reader');
    });

    it('serves the line run the list names, and a scenario posted from that text is created', async () => {
      const list = await server.built.app.inject({ method: 'GET', url: '/api/v1/examples', headers });
      const line = (list.json() as { id: string; pack: string }[]).find((e) => e.pack === 'line');
      expect(line?.id).toBe('line-baseline_8hr');
      const text = await server.built.app.inject({ method: 'GET', url: `/api/v1/examples/${line?.id}`, headers });
      expect(text.statusCode).toBe(200);
      expect(text.headers['content-type']).toMatch(/^application\/yaml/);
      const created = await server.built.app.inject({
        method: 'POST',
        url: '/api/v1/simulations',
        headers,
        payload: { scenario: text.body },
      });
      expect(created.statusCode, created.body).toBe(201);
      expect((created.json() as { pack: string }).pack).toBe('line');
    });
  });
});
