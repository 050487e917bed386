export {
  OpcuaClient,
  type OpcuaClientOptions,
  type ReadResult,
  type BrowseEntry,
  type ConnectionState,
} from './client.js';
export { OpcuaError, OpcuaErrorCode } from './errors.js';
export { type PlainValue, parseNodeId } from './values.js';
export { startDemoPlc, type DemoPlc, type DemoPlcOptions } from './demo-plc.js';
export { routeOpcuaLogs } from './logs.js';
export {
  TwinOpcuaServer,
  simulationNamespaceUri,
  type TwinOpcuaServerOptions,
  type TwinSimulationModel,
  type TwinAssetModel,
  type TwinFieldModel,
  type TwinDataType,
  type TwinUser,
  type TwinWrite,
  type TwinWriteStatus,
} from './twin-server.js';
