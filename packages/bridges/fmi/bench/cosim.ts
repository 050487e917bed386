/**
 * Co-simulation benchmark: a trivial FMU (the first-order lag: one input, one output) stepped out of process with
 * its input set and its output read at every step, against the same calls made in process through koffi.
 * Run: npx tsx --conditions=@doppel/source packages/bridges/fmi/bench/cosim.ts [--steps N]
 * Prints one JSON object: lock-step (one round trip per step, what coupling to other components needs; async and
 * synchronous), batched (inputs known in advance, as in `doppel fmu run`) and in-process steps/s, the overhead per step and the target ratio.
 */
import { loadFmu, FmuInstance, FmuStepper, type PlannedStep } from '../src/index.js';
import { loadFmi2 } from '../src/host/native-fmi2.js';
import { resourceLocation } from '../src/instance.js';
import { testFmu } from '../src/testing/test-fmus.js';

const TARGET_STEPS_PER_S = 20_000;
const args = process.argv.slice(2);
const steps = Number(args[args.indexOf('--steps') + 1] || 50_000);
const h = 1e-3;
const input = (k: number): number => Math.sin(k * 1e-3);

const fmu = loadFmu(testFmu('lag'));

async function started(): Promise<FmuInstance> {
  const instance = await FmuInstance.instantiate(fmu, { inputs: ['u'], outputs: ['y'] });
  await instance.enterInitializationMode({ startTime: 0 });
  await instance.exitInitializationMode();
  return instance;
}

async function lockStep(): Promise<{ seconds: number; checksum: number }> {
  const instance = await started();
  const inputs = new Float64Array(1);
  let checksum = 0;
  // Warm-up (JIT, pipe buffers), then the timed run from where it stopped.
  for (let k = 0; k < 2000; k++) {
    inputs[0] = input(k);
    checksum += (await instance.doStep(k * h, h, inputs)).outputs?.[0] ?? NaN;
  }
  const begin = process.hrtime.bigint();
  for (let k = 2000; k < 2000 + steps; k++) {
    inputs[0] = input(k);
    checksum += (await instance.doStep(k * h, h, inputs)).outputs?.[0] ?? NaN;
  }
  const seconds = Number(process.hrtime.bigint() - begin) / 1e9;
  await instance.terminate();
  await instance.free();
  return { seconds, checksum };
}

async function batched(batch: number): Promise<{ seconds: number; checksum: number }> {
  const instance = await started();
  let checksum = 0;
  const begin = process.hrtime.bigint();
  for (let k = 0; k < steps; k += batch) {
    const planned: PlannedStep[] = [];
    for (let j = k; j < Math.min(steps, k + batch); j++) planned.push({ time: j * h, stepSize: h, inputs: [input(j)] });
    for (const outcome of await instance.doSteps(planned)) checksum += outcome.outputs?.[0] ?? NaN;
  }
  const seconds = Number(process.hrtime.bigint() - begin) / 1e9;
  await instance.terminate();
  await instance.free();
  return { seconds, checksum };
}

/** The synchronous stepper (blocking pipe reads with poll), as a process-model block steps an FMU. */
function synchronous(): { seconds: number; checksum: number } {
  const stepper = FmuStepper.start(fmu, { inputs: ['u'], outputs: ['y'] });
  const inputs = new Float64Array(1);
  const out = new Float64Array(1);
  let checksum = 0;
  const step = (k: number): void => {
    inputs[0] = input(k);
    stepper.setInputs(inputs);
    stepper.step(k * h, h);
    stepper.getOutputs(out);
    checksum += out[0];
  };
  for (let k = 0; k < 2000; k++) step(k);
  const begin = process.hrtime.bigint();
  for (let k = 2000; k < 2000 + steps; k++) step(k);
  const seconds = Number(process.hrtime.bigint() - begin) / 1e9;
  stepper.close();
  return { seconds, checksum };
}

function inProcess(): { seconds: number; checksum: number } {
  const native = loadFmi2({
    binaryPath: fmu.unpacked.binaryPath,
    instanceName: 'bench',
    instantiationToken: fmu.modelDescription.instantiationToken,
    resourceLocation: resourceLocation('2.0', fmu.unpacked.resourcesDir),
    loggingOn: false,
    log: () => undefined,
  });
  native.instantiate();
  native.enterInitializationMode(null, 0, null);
  native.exitInitializationMode();
  const u = Uint32Array.of(0);
  const y = Uint32Array.of(1);
  const values = new Float64Array(1);
  const out = new Float64Array(1);
  const result = new Float64Array(3);
  let checksum = 0;
  const step = (k: number): void => {
    values[0] = input(k);
    native.setNumbers('float64', u, values);
    native.doStep(k * h, h, result);
    native.getNumbers('float64', y, out);
    checksum += out[0];
  };
  for (let k = 0; k < 2000; k++) step(k);
  const begin = process.hrtime.bigint();
  for (let k = 2000; k < 2000 + steps; k++) step(k);
  const seconds = Number(process.hrtime.bigint() - begin) / 1e9;
  native.terminate();
  native.free();
  return { seconds, checksum };
}

async function main(): Promise<void> {
  const lock = await lockStep();
  const batch = await batched(512);
  const sync = synchronous();
  const local = inProcess();
  const lockRate = steps / lock.seconds;
  const perStepUs = (seconds: number): number => (seconds / steps) * 1e6;
  process.stdout.write(
    `${JSON.stringify({
      name: 'fmu-cosim',
      fmu: 'lag (FMI 2.0, 1 input, 1 output)',
      steps,
      lockstep_steps_per_s: Math.round(lockRate),
      batched_steps_per_s: Math.round(steps / batch.seconds),
      sync_lockstep_steps_per_s: Math.round(steps / sync.seconds),
      in_process_steps_per_s: Math.round(steps / local.seconds),
      lockstep_us_per_step: Number(perStepUs(lock.seconds).toFixed(2)),
      sync_lockstep_us_per_step: Number(perStepUs(sync.seconds).toFixed(2)),
      in_process_us_per_step: Number(perStepUs(local.seconds).toFixed(3)),
      overhead_us_per_step: Number((perStepUs(lock.seconds) - perStepUs(local.seconds)).toFixed(2)),
      sync_overhead_us_per_step: Number((perStepUs(sync.seconds) - perStepUs(local.seconds)).toFixed(2)),
      target_steps_per_s: TARGET_STEPS_PER_S,
      lockstep_vs_target: Number((lockRate / TARGET_STEPS_PER_S).toFixed(2)),
      batched_vs_target: Number((steps / batch.seconds / TARGET_STEPS_PER_S).toFixed(2)),
      sync_lockstep_vs_target: Number((steps / sync.seconds / TARGET_STEPS_PER_S).toFixed(2)),
    })}\n`,
  );
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => fmu.dispose());
