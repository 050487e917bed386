import { counterKpi, gaugeKpi, type KpiDefinition } from '@doppel/twin';
import { SENSOR_TYPES } from './models/weather.js';

export const FLEET_KPIS: readonly KpiDefinition[] = [
  gaugeKpi('cases', 'cases', 'Cases of the test (one per sweep value)'),
  gaugeKpi('cases_finished', 'cases', 'Cases finished and judged'),
  gaugeKpi('cases_passed', 'cases', 'Cases whose criteria all hold'),
  gaugeKpi('cases_failed', 'cases', 'Cases with a failed criterion'),
  gaugeKpi('vehicles', 'vehicles', 'Vehicles under test'),
  gaugeKpi('collisions', 'vehicles', 'Vehicles under test that collided'),
  counterKpi('energy_kwh', 'kWh', 'Energy drawn by the vehicles under test (diesel: fuel energy)'),
  counterKpi('distance_km', 'km', 'Distance driven by the vehicles under test'),
];

export const VEHICLE_KPIS: readonly KpiDefinition[] = [
  gaugeKpi('speed_kmh', 'km/h', 'Speed'),
  gaugeKpi('accel_mps2', 'm/s²', 'Longitudinal acceleration'),
  gaugeKpi('ttc_s', 's', 'Time to collision the AEB perceives (-1: nothing closing)'),
  gaugeKpi('min_gap_m', 'm', 'Smallest gap to anything ahead so far (-1: none)'),
  gaugeKpi('energy_kwh', 'kWh', 'Energy drawn so far'),
  gaugeKpi('energy_kwh_per_km', 'kWh/km', 'Energy per km so far'),
  gaugeKpi('odometer_m', 'm', 'Distance driven'),
  // What a top-down view needs to draw the vehicle and what it senses (the state records the rear axle only).
  gaugeKpi('length_m', 'm', 'Body length'),
  gaugeKpi('width_m', 'm', 'Body width'),
  gaugeKpi('front_m', 'm', 'Rear axle to front bumper, where the sensors sit'),
  ...SENSOR_TYPES.flatMap((type) => [
    gaugeKpi(`${type}_range_m`, 'm', `Range of the longest-reaching ${type} in this weather (0: none, or dropped out)`),
    gaugeKpi(`${type}_fov_deg`, '°', `Field of view of that ${type}`),
  ]),
];
