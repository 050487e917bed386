export { processPack, PROCESS_KPIS } from './pack.js';
export { ProcessModel, type ComponentRuntime } from './model.js';
export { ProcessSystem } from './system.js';
export { processConfigSchema, type ProcessConfig } from './config.js';
export {
  compileModel,
  type ModelSpec,
  type ComponentSpec,
  type ConnectionSpec,
  type CompiledModel,
} from './compile.js';
export { COMPONENT_TYPES, componentType } from './components/index.js';
export {
  BlockBase,
  steppedBlock,
  type Block,
  type BlockContext,
  type ComponentType,
  type AnyComponentType,
  type PortSpec,
  type SteppedModel,
} from './component.js';
export {
  useFmuRunner,
  fmuProps,
  isPortVariable,
  type FmuRunner,
  type FmuRunContext,
  type FmuModel,
  type FmuProps,
  type FmuValue,
  type FmuVariableSpec,
} from './components/fmu.js';
export { tracedFmuRunner, fmuResumesOf, type FmuResume, type FmuCall } from './components/fmu-trace.js';
export { ProcessModelError, ProcessErrorCode, FmuComponentError, type ModelIssue } from './errors.js';
export { UNITS, compatible, conversion, type UnitInfo } from './units.js';
export { processCatalogue, modelToScenario, type ModelRunOptions } from './catalogue.js';
