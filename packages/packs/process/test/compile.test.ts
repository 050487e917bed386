import { loadScenarioText, type ScenarioError } from '@doppel/twin';
import { describe, expect, it } from 'vitest';
import { compatible, compileModel, conversion, ProcessModelError } from '../src/index.js';
import { bare, model, packs } from './helpers.js';

function issues(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ProcessModelError);
    expect((error as ProcessModelError).code).toBe('DOPPEL_ERR_PROCESS_MODEL_INVALID');
    return (error as ProcessModelError).issues.map((i) => `${i.path.join('/')}: ${i.message}`);
  }
  throw new Error('expected a ProcessModelError');
}

describe('units', () => {
  it('connect by dimension: °C with K (converted), m³/s with L/s, never m with m³/s or bool with a number', () => {
    expect(compatible('degC', 'K')).toBe(true);
    expect(conversion('degC', 'K')).toEqual({ gain: 1, bias: 273.15 });
    expect(conversion('L/s', 'm3/s')?.gain).toBeCloseTo(1e-3, 15);
    expect(conversion('bar', 'Pa')?.gain).toBe(1e5);
    expect(compatible('m', 'm3/s')).toBe(false);
    expect(compatible('bool', 'fraction')).toBe(false);
    expect(compatible('W', 'kW')).toBe(true);
  });

  it('refuses a mismatch, naming both components, ports and units', () => {
    const found = issues(() =>
      compileModel(
        model(
          [
            { id: 'tank', type: 'tank' },
            { id: 'heater', type: 'heater' },
          ],
          ['tank.level -> heater.power'],
        ),
      ),
    );
    expect(found).toEqual([
      expect.stringMatching(/^connections\/0: unit mismatch: tank\.level gives m .* heater\.power takes W/),
    ]);
  });

  it('resolves unit variables through connections: a sensor on a temperature measures °C; its unit property is checked', () => {
    const compiled = compileModel(
      model(
        [
          { id: 'tank', type: 'tank' },
          { id: 's', type: 'sensor' },
          { id: 'pid', type: 'pid' },
          { id: 'heater', type: 'heater' },
        ],
        ['tank.temperature -> s.value', 's.measured -> pid.pv', 'pid.out -> heater.power'],
      ),
    );
    const s = compiled.components.find((c) => c.id === 's');
    const pid = compiled.components.find((c) => c.id === 'pid');
    expect(s?.outputUnits[0]).toBe('degC');
    expect(pid?.inputUnits).toEqual(['degC', 'degC']);
    expect(pid?.outputUnits[0]).toBe('W');
    const found = issues(() =>
      compileModel(
        model(
          [
            { id: 'tank', type: 'tank' },
            { id: 's', type: 'sensor', properties: { unit: 'Pa' } },
          ],
          ['tank.temperature -> s.value'],
        ),
      ),
    );
    expect(found[0]).toMatch(/tank\.temperature gives degC .* s\.value takes Pa .*set by s's property unit/);
  });

  it('applies the conversion on the wire: a sensor in K reads a tank in °C + 273.15', () => {
    const run = bare(
      model(
        [
          { id: 'tank', type: 'tank', properties: { initial_temperature_c: 25 } },
          { id: 's', type: 'sensor', properties: { unit: 'K' } },
        ],
        ['tank.temperature -> s.value'],
      ),
    );
    expect(run.out('s', 'measured')).toBeCloseTo(298.15, 9);
  });
});

describe('model checks', () => {
  it('refuses an algebraic loop, naming every connection on it', () => {
    const found = issues(() =>
      compileModel(
        model(
          [
            { id: 'src', type: 'source' },
            { id: 'a', type: 'pid' },
            { id: 'b', type: 'pid' },
          ],
          ['src.out -> a.sp', 'a.out -> b.pv', 'b.out -> a.pv'],
        ),
      ),
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^connections\/1: algebraic loop: /);
    expect(found[0]).toContain('a.out → b.pv');
    expect(found[0]).toContain('b.out → a.pv');
  });

  it('a loop through a state (tank) or a sampled sensor is no algebraic loop', () => {
    expect(() =>
      compileModel(
        model(
          [
            { id: 'tank', type: 'tank' },
            { id: 'pid', type: 'pid' },
            { id: 'heater', type: 'heater' },
          ],
          ['tank.temperature -> pid.pv', 'pid.out -> heater.power', 'heater.heat -> tank.heat'],
        ),
      ),
    ).not.toThrow();
  });

  it('reports unknown types, ports, directions, doubly fed inputs and bad properties at their place', () => {
    const found = issues(() =>
      compileModel(
        model(
          [
            { id: 'tank', type: 'tank', properties: { area_m2: -1 } },
            { id: 'x', type: 'boiler' },
            { id: 'h', type: 'heater' },
            { id: 'p', type: 'pid' },
            { id: 'q', type: 'pid' },
          ],
          ['h.heat -> nobody.heat', 'h.power -> p.pv', 'h.heat -> p.nope', 'p.out -> h.power', 'q.out -> h.power'],
        ),
      ),
    );
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^components\/0\/properties\/area_m2: tank:/),
        expect.stringMatching(/^components\/1\/type: unknown component type "boiler"/),
        expect.stringMatching(/^connections\/0\/target_component_id: no component "nobody"/),
        expect.stringMatching(/^connections\/1\/source_port: h\.power is an input/),
        expect.stringMatching(/^connections\/2\/target_port: pid "p" has no input "nope"/),
        expect.stringMatching(/^connections\/4\/target_port: h\.power is already fed by connections\[3\]/),
      ]),
    );
  });

  it('the scenario loader reports model problems at their line in the YAML file', () => {
    const text = `doppel: 1
pack: process
duration: 10s
seed: 1
process:
  components:
    - { id: tank, type: tank }
    - { id: heater, type: heater }
  connections:
    - tank.level -> heater.power
`;
    let error: ScenarioError | undefined;
    try {
      loadScenarioText(text, { packs, fileName: 'plant.yaml' });
    } catch (e) {
      error = e as ScenarioError;
    }
    expect(error?.message).toMatch(/plant\.yaml:10/);
    expect(error?.message).toMatch(/unit mismatch/);
  });
});
