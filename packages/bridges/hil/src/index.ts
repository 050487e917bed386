export {
  type Binding,
  type DevicePort,
  type LossPolicy,
  type SignalValue,
  movedBeyondDeadband,
  toDevice,
  toModel,
} from './binding.js';
export {
  HilLoop,
  type HilLoopOptions,
  type HilModel,
  type LoopEvent,
  type LoopState,
  type LoopStats,
  type BindingState,
} from './loop.js';
export { modbusPort, opcuaPort, opcuaSubscribedPort } from './ports.js';
