import { z } from 'zod';
import { BlockBase, type BlockContext, type ComponentType } from '../component.js';
import { G, num, ramp01 } from './common.js';

const tankProps = z.strictObject({
  area_m2: num(1e-4, 1e4, 1, 'Cross-section (m²).'),
  height_m: num(0.01, 1000, 2, 'Height to the overflow (m).'),
  initial_level_m: num(0, 1000, 1, 'Level at the start (m).'),
  initial_temperature_c: num(-50, 500, 20, 'Temperature at the start (°C).'),
  density_kg_m3: num(1, 20000, 1000, 'Density of the liquid (kg/m³).'),
  heat_capacity_j_kgk: num(1, 1e5, 4186, 'Specific heat of the liquid (J/(kg·K)).'),
  loss_w_k: num(0, 1e6, 0, 'Heat loss to the surroundings per kelvin above ambient (W/K).'),
  ambient_c: num(-50, 100, 20, 'Ambient temperature (°C).'),
});
type TankProps = z.infer<typeof tankProps>;

// State layout: volume, enthalpy (J above 0 °C), then the running totals that make the balances checkable.
const V = 0;
const H = 1;
const V_IN = 2;
const V_OUT = 3;
const V_OVER = 4;
const E_IN = 5;
const E_OUT = 6;

/**
 * A mixed tank: volume and enthalpy from the mass and energy balances. Outflow is what the outlet asks (a valve's or
 * pump's flow) and fades to zero as the tank runs empty; above the rim the excess inflow overflows. Outputs depend
 * on the states only, so a tank breaks every loop it is in.
 */
export class TankBlock extends BlockBase {
  readonly stateCount = 7;
  private readonly rhoCp: number;
  private readonly vMax: number;
  /** Volume over which outflow fades out (empty) and overflow fades in (full): 1 mm of level. */
  private readonly vSoft: number;
  private overflowing = false;
  qOut = 0;
  qOver = 0;

  constructor(
    readonly p: TankProps,
    private readonly ctx: BlockContext,
  ) {
    super();
    this.rhoCp = p.density_kg_m3 * p.heat_capacity_j_kgk;
    this.vMax = p.area_m2 * p.height_m;
    this.vSoft = p.area_m2 * 1e-3;
  }

  init(x: Float64Array, o: number): void {
    const v = Math.min(this.p.initial_level_m, this.p.height_m) * this.p.area_m2;
    x.fill(0, o, o + this.stateCount);
    x[o + V] = v;
    x[o + H] = this.rhoCp * v * this.p.initial_temperature_c;
  }

  temperature(x: ArrayLike<number>, o: number): number {
    const v = x[o + V] as number;
    // Empty: no liquid, no temperature of its own; show the initial one rather than 0/0.
    return v > 1e-12 ? (x[o + H] as number) / (this.rhoCp * v) : this.p.initial_temperature_c;
  }

  output(_t: number, x: ArrayLike<number>, o: number): void {
    const v = x[o + V] as number;
    const level = Math.max(v, 0) / this.p.area_m2;
    this.y[0] = level;
    this.y[1] = this.temperature(x, o);
    this.y[2] = Math.max(v, 0);
    this.y[3] = this.p.density_kg_m3 * G * level;
  }

  /** Sets qOut and qOver for the volume v and the current inputs. */
  private flows(v: number): void {
    const qIn = Math.max(this.u[0] as number, 0);
    this.qOut = Math.max(this.u[2] as number, 0) * ramp01(v, this.vSoft);
    this.qOver = Math.max(qIn - this.qOut, 0) * ramp01(v - this.vMax + this.vSoft, this.vSoft);
  }

  derivative(_t: number, x: ArrayLike<number>, o: number, dx: Float64Array): void {
    const u = this.u;
    const qIn = Math.max(u[0] as number, 0);
    const tIn = u[1] as number;
    const v = x[o + V] as number;
    this.flows(v);
    const qOut = this.qOut;
    const qOver = this.qOver;
    const temp = this.temperature(x, o);
    // A dry heater heats nothing: heat fades out with the liquid.
    const heat = (u[3] as number) * ramp01(v, this.vSoft);
    const loss = this.p.loss_w_k * (temp - this.p.ambient_c) * ramp01(v, this.vSoft);
    const eIn = this.rhoCp * qIn * tIn + heat;
    const eOut = this.rhoCp * (qOut + qOver) * temp + loss;
    dx[o + V] = qIn - qOut - qOver;
    dx[o + H] = eIn - eOut;
    dx[o + V_IN] = qIn;
    dx[o + V_OUT] = qOut;
    dx[o + V_OVER] = qOver;
    dx[o + E_IN] = eIn;
    dx[o + E_OUT] = eOut;
  }

  update(_t: number, _dt: number, x: Float64Array, o: number): boolean {
    // Flows at the end of the step, for the ledger and the overflow event.
    this.flows(x[o + V] as number);
    const over = this.qOver > 1e-9;
    if (over !== this.overflowing) {
      this.overflowing = over;
      this.ctx.event(over ? 'TANK_OVERFLOW_STARTED' : 'TANK_OVERFLOW_ENDED');
    }
    // Outputs come from the states alone.
    return false;
  }

  /** Volume and energy totals since the start (m³, J), for balances. */
  totals(x: ArrayLike<number>, o: number) {
    return {
      volume_m3: x[o + V] as number,
      enthalpy_j: x[o + H] as number,
      in_m3: x[o + V_IN] as number,
      out_m3: x[o + V_OUT] as number,
      overflow_m3: x[o + V_OVER] as number,
      energy_in_j: x[o + E_IN] as number,
      energy_out_j: x[o + E_OUT] as number,
    };
  }

  extras(x: ArrayLike<number>, o: number) {
    return {
      outflow_m3s: this.qOut,
      overflow_m3s: this.qOver,
      overflowing: this.overflowing,
      overflow_total_m3: x[o + V_OVER] as number,
    };
  }
}

export const tankType: ComponentType<TankProps> = {
  type: 'tank',
  title: 'Tank',
  description:
    'A stirred tank: level and temperature from its mass and energy balances; inflow at a temperature, outflow as the outlet draws it, heat from a heater, losses to ambient, overflow above the rim.',
  category: 'process',
  properties: tankProps,
  ports: () => [
    { name: 'inflow', direction: 'in', unit: 'm3/s', description: 'Inflow.', default: 0, feedthrough: false },
    {
      name: 'inlet_temperature',
      direction: 'in',
      unit: 'degC',
      description: 'Temperature of the inflow.',
      default: 20,
      feedthrough: false,
    },
    {
      name: 'outflow',
      direction: 'in',
      unit: 'm3/s',
      description: 'Outflow the outlet draws (a valve or pump flow).',
      default: 0,
      feedthrough: false,
    },
    { name: 'heat', direction: 'in', unit: 'W', description: 'Heat into the liquid.', default: 0, feedthrough: false },
    { name: 'level', direction: 'out', unit: 'm', description: 'Liquid level.' },
    { name: 'temperature', direction: 'out', unit: 'degC', description: 'Liquid (and outflow) temperature.' },
    { name: 'volume', direction: 'out', unit: 'm3', description: 'Liquid volume.' },
    { name: 'pressure', direction: 'out', unit: 'Pa', description: 'Gauge pressure at the bottom outlet.' },
  ],
  extraState: {
    outflow_m3s: z.number(),
    overflow_m3s: z.number(),
    overflowing: z.boolean(),
    overflow_total_m3: z.number(),
  },
  create: (props, ctx) => new TankBlock(props, ctx),
};
