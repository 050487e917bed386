import { describe, expect, test } from 'vitest';
import { scenarioJsonSchema, scenarioReferenceMarkdown } from '../src/index.js';
import { miniSwapPack, testPacks } from './fixtures/scenarios/test-packs.js';

type Schema = { [key: string]: unknown };

describe('scenario JSON Schema', () => {
  const schema = scenarioJsonSchema(testPacks) as Schema;

  test('is one alternative per pack, told apart by the pack field', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const variants = schema.oneOf as Schema[];
    expect(variants).toHaveLength(2);
    const packs = variants.map((variant) => ((variant.properties as Schema).pack as Schema).const);
    expect(packs).toEqual(['swap', 'line']);
  });

  test('each alternative is closed and holds its pack section', () => {
    const swap = (schema.oneOf as Schema[])[0];
    expect(swap.additionalProperties).toBe(false);
    expect(swap.required).toEqual(expect.arrayContaining(['doppel', 'pack']));
    const properties = swap.properties as Schema;
    expect(Object.keys(properties)).toEqual(
      expect.arrayContaining(['doppel', 'name', 'start', 'timezone', 'duration', 'seed', 'interventions', 'swap']),
    );
    const section = properties.swap as Schema;
    const stations = (section.properties as Schema).stations as Schema;
    expect(stations.type).toBe('array');
    // Input form: defaulted fields are optional.
    expect(((stations.items as Schema).required as string[]).sort()).toEqual(['bays', 'id']);
  });

  test('with one pack there is no union; with none, the generic fields only', () => {
    const single = scenarioJsonSchema([miniSwapPack]) as Schema;
    expect(single.oneOf).toBeUndefined();
    expect(((single.properties as Schema).pack as Schema).const).toBe('swap');
    const none = scenarioJsonSchema([]) as Schema;
    expect(Object.keys(none.properties as Schema)).toContain('duration');
    expect(JSON.parse(JSON.stringify(none))).toEqual(none);
  });
});

describe('scenario reference', () => {
  const markdown = scenarioReferenceMarkdown(testPacks);

  test('documents the generic fields, the config directory rules and each pack', () => {
    for (const heading of [
      '# Scenario reference',
      '## Single file',
      '## Config directory',
      '## Packs',
      '## Problems',
    ]) {
      expect(markdown).toContain(heading);
    }
    expect(markdown).toContain('| `duration` |');
    expect(markdown).toContain('**extends**');
    expect(markdown).toContain('**overrides**');
    expect(markdown).toContain('`duration_hours` → duration (in hours)');
    expect(markdown).toContain('### `swap` — Mini swap (0.0.1)');
    expect(markdown).toContain('| `stations[].bays` | integer >= 1 | yes |');
    expect(markdown).toContain('#### Input table `demand`');
    expect(markdown).toContain('| `trigger_outage` | station |');
    expect(markdown).toContain('### `line` — Mini line (0.0.1)');
    expect(markdown).toContain('`scenario.equipment[].reliability.mtbf_min`');
  });

  test('is deterministic', () => {
    expect(scenarioReferenceMarkdown(testPacks)).toBe(markdown);
  });
});
