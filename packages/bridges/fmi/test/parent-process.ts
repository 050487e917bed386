// A parent for the orphan test: starts an instance of the hanging FMU, drives it into its endless step, prints the
// host's pid and waits to be killed.
import { FmuInstance, loadFmu } from '../src/index.js';
import { testFmu } from '../src/testing/test-fmus.js';

const fmu = loadFmu(testFmu('hang'));
const instance = await FmuInstance.instantiate(fmu, { callTimeoutMs: 600_000 });
await instance.enterInitializationMode({ startTime: 0 });
await instance.exitInitializationMode();
void instance.doStep(0, 1, [0]).catch(() => undefined);
process.stdout.write(`${instance.hostPid}\n`);
setInterval(() => undefined, 1000);
