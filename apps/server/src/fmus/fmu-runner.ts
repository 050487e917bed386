import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { FmiError, FmiErrorCode, FmuStepper, loadFmu } from '@doppel/bridge-fmi';
import { isPortVariable, type FmuModel, type FmuRunner } from '@doppel/pack-process';
import { fmuPath } from './fmu-files.js';

/**
 * How a simulation worker starts the FMU components of process models: the uploaded archive (exactly the one the
 * scenario was made with, by SHA-256) unpacked to a private folder, one host process per component, run up to step
 * mode with the component's parameters; the FMU's logger writes to the ledger. Closing terminates and frees the
 * instance and removes the folder.
 */
export function uploadedFmuRunner(dir: string): FmuRunner {
  return (props, context) => {
    const path = fmuPath(dir, props.fmu);
    if (!existsSync(path))
      throw new FmiError(FmiErrorCode.InvalidRequest, `${context.id}: FMU ${props.fmu} is no longer stored`, {
        fmu: props.fmu,
      });
    const bytes = readFileSync(path);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (props.sha256 !== undefined && props.sha256 !== sha256)
      throw new FmiError(
        FmiErrorCode.InvalidRequest,
        `${context.id}: FMU ${props.fmu} is not the archive the scenario was made with (SHA-256 ${sha256}, expected ${props.sha256})`,
        { fmu: props.fmu },
      );
    const fmu = loadFmu({ bytes, file: `${props.fmu}.fmu` });
    const ports = props.variables.filter(isPortVariable);
    let stepper: FmuStepper;
    try {
      stepper = FmuStepper.start(fmu, {
        parameters: props.parameters,
        startTime: context.startTime,
        inputs: ports.filter((v) => v.causality === 'input').map((v) => v.name),
        outputs: ports.filter((v) => v.causality === 'output').map((v) => v.name),
        instanceName: context.id,
        loggingOn: true,
        onLog: (entry) => context.log({ status: entry.status, category: entry.category, message: entry.message }),
      });
    } catch (error) {
      fmu.dispose();
      throw error;
    }
    const model: FmuModel = {
      setInputs: (u) => stepper.setInputs(u),
      step: (t, dt) => stepper.step(t, dt),
      getOutputs: (y) => stepper.getOutputs(y),
      set: (values) => stepper.set(values),
      canSaveState: stepper.canSaveState,
      saveState: () => stepper.saveState(),
      restoreState: (state) => stepper.restoreState(state),
      close: () => {
        try {
          stepper.close();
        } finally {
          fmu.dispose();
        }
      },
    };
    return model;
  };
}
