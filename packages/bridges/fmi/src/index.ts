/**
 * @doppel/bridge-fmi — FMU co-simulation (FMI 2.0 and 3.0): read and validate FMUs, run each instance's native code
 * in its own host process, and simulate an FMU alone like a reference simulator.
 */
export { FmiError, FmiErrorCode, isHostFailure } from './errors.js';
export { readFmu, PLATFORM_FOLDER, type ArchiveLimits, type FmuArchive } from './archive.js';
export { parseModelDescription, type ModelDescription, type DefaultExperiment } from './model-description.js';
export { settablePhases, type ModelVariable, type ScalarValue } from './model-variables.js';
export { loadFmu, type LoadedFmu } from './fmu-file.js';
export { FmuInstance, resourceLocation, type InstanceOptions, type PlannedStep } from './instance.js';
export { FmiStatus, type HostLog, type StepOutcome } from './protocol.js';
export { parseInputCsv, type InputTable } from './input-table.js';
export { simulateFmu, type SimulationOptions, type SimulationResult } from './simulate.js';
export { FmuStepper, type StepperOptions } from './fmu-stepper.js';
