// The browser-safe entry (`@doppel/pack-process/catalogue`): the component catalogue and the model-to-scenario
// conversion, for the modelling canvas and the catalog routes. Nothing here, nor anything it imports, touches Node
// or the simulation runtime.
export { processCatalogue, modelToScenario, type ModelRunOptions } from './catalogue.js';
export { compileModel, type ModelSpec, type ComponentSpec, type ConnectionSpec } from './compile.js';
export { ProcessModelError, ProcessErrorCode, type ModelIssue } from './errors.js';
export { UNITS, compatible, conversion } from './units.js';
