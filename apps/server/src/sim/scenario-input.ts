import { loadScenarioText, type PackRegistry, type ResolvedScenario } from '@doppel/twin';
import { ServerError, ServerErrorCode } from '../errors.js';
import type { ExampleCatalog } from './examples.js';

export interface CreateInput {
  readonly name?: string;
  readonly example?: string;
  /** YAML or JSON text of a scenario. */
  readonly scenario?: string;
  readonly seed?: number;
}

/** Loads a scenario from an example name or posted text; problems come back located (422). */
export function resolveScenarioInput(
  input: CreateInput,
  packs: PackRegistry,
  examples: ExampleCatalog,
): ResolvedScenario {
  const known = packs.list();
  if (input.example !== undefined) {
    const scenario = examples.load(input.example, known, input.seed);
    if (scenario === null) {
      throw new ServerError(ServerErrorCode.Validation, `Unknown example "${input.example}"`, {
        issues: [
          {
            path: 'body.example',
            message: `no example named "${input.example}"`,
            expected: examples
              .list()
              .map((example) => example.id)
              .join(', '),
            found: input.example,
          },
        ],
      });
    }
    return scenario;
  }
  if (input.scenario !== undefined) {
    return loadScenarioText(input.scenario, { fileName: 'scenario', packs: known, seed: input.seed });
  }
  throw new ServerError(ServerErrorCode.Validation, 'Give either "example" or "scenario"', {
    issues: [{ path: 'body', message: 'one of "example" or "scenario" is required' }],
  });
}
