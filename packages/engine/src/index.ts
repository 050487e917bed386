export { Environment, type EnvironmentOptions, type RngChoice, type Seed } from './environment.js';
export { Event, Timeout, URGENT, NORMAL, type Priority, type SimTime, type EventCallback } from './events.js';
export { Process, Initialize, Interruption, waitFor, type ProcessGenerator, type ProcessFunction } from './process.js';
export { Condition, ConditionValue, type ConditionMode } from './condition.js';
export {
  CodedError,
  DoppelError,
  EmptySchedule,
  Interrupt,
  ENGINE_ERROR_CODES,
  isDoppelError,
  type DoppelErrorCode,
} from './errors.js';
export type { StopReason, RunOptions, EventObserver } from './control.js';
export {
  integrate,
  type OdeComponent,
  type OdeMethod,
  type OdeVector,
  type IntegrateOptions,
  type IntegrationHandle,
} from './ode.js';
export * from './resources/index.js';
export * from './rng/index.js';
