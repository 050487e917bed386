import { join } from 'node:path';
import {
  AccessLevelFlag,
  DataType,
  OPCUACertificateManager,
  OPCUAServer,
  StatusCodes,
  Variant,
  standardUnits,
  type Namespace,
  type StatusCode,
  type UAObject,
} from 'node-opcua';
import { freePort } from './free-port.js';

export interface DemoPlcOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Where the PLC keeps its PKI (certificates); node-opcua would otherwise write under ~/.config. */
  readonly pkiFolder: string;
  /** Scan period of the control law in milliseconds; 10 by default. */
  readonly scanMs?: number;
  /** Whether the PLC integrates the tank itself (`Tank.LocalPlant`) from the start; true by default, false for HIL. */
  readonly localPlant?: boolean;
}

export interface DemoPlc {
  readonly endpointUrl: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Tank state and the PLC's parameters; sensors are written by the PLC's own plant model or, in HIL, by a client. */
interface TankState {
  level_m: number;
  temperature_c: number;
  setpoint_c: number;
  band_c: number;
  heaterOn: boolean;
  inletValve_pct: number;
  localPlant: boolean;
  cycle: number;
}

/**
 * A small PLC over OPC UA for demos and tests: a heated tank with a thermostat control law (hysteresis around a
 * setpoint switches the heater). Its variables live in the server's own namespace (ns=1) under the object `Tank`:
 * `Tank.Level` (m), `Tank.Temperature` (°C) — sensors, writable so a simulation can drive them —, `Tank.Setpoint`
 * (°C, 5..95, else BadOutOfRange), `Tank.Band` (°C), `Tank.HeaterOn` (read-only output), `Tank.InletValve` (%),
 * `Tank.LocalPlant` (true: the PLC integrates the tank itself; false: sensors come from a client, for HIL), and
 * `Tank.Cycle` (scan counter).
 */
export async function startDemoPlc(options: DemoPlcOptions): Promise<DemoPlc> {
  const scanMs = options.scanMs ?? 10;
  const state: TankState = {
    level_m: 1.2,
    temperature_c: 18,
    setpoint_c: 60,
    band_c: 2,
    heaterOn: false,
    inletValve_pct: 20,
    localPlant: options.localPlant ?? true,
    cycle: 0,
  };
  const serverCertificateManager = new OPCUACertificateManager({
    rootFolder: join(options.pkiFolder, 'pki'),
    automaticallyAcceptUnknownCertificate: true,
    disableFileWatchers: true,
  });
  const port = options.port && options.port > 0 ? options.port : await freePort('127.0.0.1');
  const server = new OPCUAServer({
    port,
    hostname: '127.0.0.1',
    serverCertificateManager,
    buildInfo: { productName: 'Doppel demo PLC', manufacturerName: 'Doppel' },
    serverInfo: { applicationUri: 'urn:doppel:demo-plc' },
  });
  await server.initialize();
  const addressSpace = server.engine.addressSpace;
  if (!addressSpace) throw new Error('the OPC UA server has no address space after initialize()');
  const ns = addressSpace.getOwnNamespace();
  const tank = ns.addObject({ organizedBy: addressSpace.rootFolder.objects, browseName: 'Tank', nodeId: 's=Tank' });
  addTankVariables(ns, tank, state);
  await server.start();

  // The control law runs on its own timer: a PLC scan. Both timers are unref'd so they never hold the process.
  const step_s = scanMs / 1000;
  const scan = setInterval(() => {
    if (state.temperature_c < state.setpoint_c - state.band_c / 2) state.heaterOn = true;
    else if (state.temperature_c > state.setpoint_c + state.band_c / 2) state.heaterOn = false;
    if (state.localPlant) integrateTank(state, step_s);
    state.cycle = (state.cycle + 1) >>> 0;
  }, scanMs);
  scan.unref();

  return {
    endpointUrl: `opc.tcp://127.0.0.1:${port}`,
    port,
    stop: async () => {
      clearInterval(scan);
      await server.shutdown(0);
      await serverCertificateManager.dispose();
    },
  };
}

/** A demo-speed tank: 4 kW heater into 50 L, losses to 20 °C ambient, inflow by valve, outflow by gravity. */
function integrateTank(state: TankState, dt_s: number): void {
  const heat_c_per_s = (state.heaterOn ? 1.5 : 0) - 0.02 * (state.temperature_c - 20);
  state.temperature_c += heat_c_per_s * dt_s;
  const inflow = 0.01 * state.inletValve_pct;
  const outflow = 0.6 * Math.sqrt(Math.max(state.level_m, 0));
  state.level_m = Math.min(Math.max(state.level_m + (inflow - outflow) * 0.1 * dt_s, 0), 5);
}

type Field = 'level_m' | 'temperature_c' | 'setpoint_c' | 'band_c' | 'inletValve_pct';

function addTankVariables(ns: Namespace, tank: UAObject, state: TankState): void {
  const readWrite = AccessLevelFlag.CurrentRead | AccessLevelFlag.CurrentWrite;
  const analog = (name: string, field: Field, unit: keyof typeof standardUnits, low: number, high: number): void => {
    ns.addAnalogDataItem({
      componentOf: tank,
      browseName: name,
      nodeId: `s=Tank.${name}`,
      dataType: 'Double',
      engineeringUnits: standardUnits[unit],
      engineeringUnitsRange: { low, high },
      accessLevel: readWrite,
      userAccessLevel: readWrite,
      minimumSamplingInterval: 10,
      value: {
        get: () => new Variant({ dataType: DataType.Double, value: state[field] }),
        set: (variant: Variant): StatusCode => {
          const value = Number(variant.value);
          if (!Number.isFinite(value) || value < low || value > high) return StatusCodes.BadOutOfRange;
          state[field] = value;
          return StatusCodes.Good;
        },
      },
    });
  };
  analog('Level', 'level_m', 'metre', 0, 5);
  analog('Temperature', 'temperature_c', 'degree_celsius', -20, 150);
  analog('Setpoint', 'setpoint_c', 'degree_celsius', 5, 95);
  analog('Band', 'band_c', 'degree_celsius', 0.1, 20);
  analog('InletValve', 'inletValve_pct', 'percent', 0, 100);
  ns.addVariable({
    componentOf: tank,
    browseName: 'HeaterOn',
    nodeId: 's=Tank.HeaterOn',
    dataType: 'Boolean',
    accessLevel: AccessLevelFlag.CurrentRead,
    userAccessLevel: AccessLevelFlag.CurrentRead,
    minimumSamplingInterval: 10,
    value: { get: () => new Variant({ dataType: DataType.Boolean, value: state.heaterOn }) },
  });
  ns.addVariable({
    componentOf: tank,
    browseName: 'LocalPlant',
    nodeId: 's=Tank.LocalPlant',
    dataType: 'Boolean',
    accessLevel: readWrite,
    userAccessLevel: readWrite,
    minimumSamplingInterval: 10,
    value: {
      get: () => new Variant({ dataType: DataType.Boolean, value: state.localPlant }),
      set: (variant: Variant): StatusCode => {
        state.localPlant = variant.value === true;
        return StatusCodes.Good;
      },
    },
  });
  ns.addVariable({
    componentOf: tank,
    browseName: 'Cycle',
    nodeId: 's=Tank.Cycle',
    dataType: 'UInt32',
    accessLevel: AccessLevelFlag.CurrentRead,
    userAccessLevel: AccessLevelFlag.CurrentRead,
    minimumSamplingInterval: 10,
    value: { get: () => new Variant({ dataType: DataType.UInt32, value: state.cycle }) },
  });
}
