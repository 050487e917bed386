import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { loadTestText, runTest, VerifyError, type TestDefinition } from '@doppel/verify';
import { canonicalJson, type AnyPack } from '@doppel/twin';
import type { TestValidation } from '@doppel/twin/contracts';
import { locatedScenarioIssues, ServerError } from '../errors.js';
import { loadPacks } from '../packs.js';
import { registryWithUserModules, withUserModule } from '../sim/user-module-files.js';
import { answerCall, type MethodCall } from '../sim/remote.js';
import type {
  TestOutcome,
  TestReplay,
  TestWorkerApi,
  TestWorkerError,
  TestWorkerInit,
  TestWorkerMessage,
} from './protocol.js';

/**
 * A scenario test in its own thread: checking a test's text (a throw-away build of its scenario) and running it
 * (simulations, rules on every ledger record) are CPU work that must never hold the server's event loop.
 */
if (parentPort === null) throw new Error('test-worker runs in a worker thread');
const port = parentPort;
const init = workerData as TestWorkerInit;
const registryReady = loadPacks(init.packModules);
const packsReady: Promise<readonly AnyPack[]> = registryReady.then((registry) => registry.list());

const post = (message: TestWorkerMessage): void => port.postMessage(message);

async function load(yaml: string, fileName: string): Promise<TestDefinition> {
  return loadTestText(yaml, {
    packs: await packsReady,
    fileName,
    baseDir: join(init.examplesDir, 'tests'),
    root: init.examplesDir,
  });
}

/**
 * The test with the user-supplied modules its scenario and variants name hashed into them, checked against the
 * server's modules directories as a simulation's scenario is at creation (a module outside, or missing, is refused).
 */
function withUserModules(test: TestDefinition): TestDefinition {
  const dirs = init.moduleDirs;
  return {
    ...test,
    scenario: withUserModule(test.scenario, dirs),
    variants: test.variants.map((variant) => ({ ...variant, scenario: withUserModule(variant.scenario, dirs) })),
  };
}

/** The packs a test runs on: the server's, with packs that know the user-supplied modules the test names. */
async function packsFor(test: TestDefinition): Promise<readonly AnyPack[]> {
  const scenarios = [test.scenario, ...test.variants.map((variant) => variant.scenario)];
  return (await registryWithUserModules(await registryReady, scenarios, init.moduleDirs)).list();
}

/** The test worker's operations (`TestWorkerApi`); helpers stay outside the class, out of the remote's reach. */
class TestWorkerService implements TestWorkerApi {
  async check(yaml: string): Promise<TestValidation> {
    try {
      const test = withUserModules(await load(yaml, 'test.yaml'));
      return {
        valid: true,
        issues: [],
        test: {
          name: test.name,
          description: test.description ?? null,
          pack: test.pack.name,
          scenario: test.scenario.name,
          steps: test.steps.length,
        },
      };
    } catch (error) {
      if (error instanceof ServerError) {
        return {
          valid: false,
          issues: error.issues.length > 0 ? [...error.issues] : [{ path: '', message: error.message }],
          test: null,
        };
      }
      if (!(error instanceof VerifyError)) throw error;
      const issues = locatedScenarioIssues(error.issues);
      return { valid: false, issues: issues.length > 0 ? issues : [{ path: '', message: error.message }], test: null };
    }
  }

  async run(yaml: string, name: string): Promise<TestOutcome> {
    // User code (an Enactor, a driving policy) is imported here, in the run's own worker under its wall-clock limit.
    const test = withUserModules(await load(yaml, `${name}.yaml`));
    const packs = await packsFor(test);
    const total = test.replications * (1 + test.variants.length);
    post({ type: 'progress', done: 0, total });
    let replay: TestReplay | null = null;
    let replayFailed = false;
    const result = await runTest(test, {
      packs,
      onReplication: (done) => post({ type: 'progress', done, total }),
      onReplicationEnd: (replication, sim, scenario) => {
        const failed = replication.status === 'failed';
        if (replay !== null && (replayFailed || !failed)) return;
        replayFailed = failed;
        replay = {
          index: replication.index,
          variant: replication.variant,
          seed: replication.seed,
          scenarioJson: canonicalJson(scenario),
          log: sim.interventionLog(),
          endS: replication.endS,
        };
      },
    });
    return { result, replay };
  }
}

const service = new TestWorkerService();

function toWorkerError(error: unknown): TestWorkerError {
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return error instanceof VerifyError ? { message, issues: locatedScenarioIssues(error.issues) } : { message };
}

port.on('message', (call: MethodCall) => {
  void answerCall(service, TestWorkerService.prototype, call, post, toWorkerError);
});
