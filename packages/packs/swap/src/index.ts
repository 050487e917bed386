export { swapPack, stationKind, batteryKind, vehicleKind } from './pack.js';
export { SwapModel } from './model.js';
export { SwapNetwork } from './network.js';
export {
  swapConfigSchema,
  demandRowSchema,
  WEEKDAY_PROFILE,
  CITY_NAMES,
  type SwapConfig,
  type SwapConfigInput,
  type DemandRow,
  type Urgency,
  type Bbox,
} from './config.js';
export {
  CITY_BBOX,
  planStations,
  nearestNeighbours,
  haversineKm,
  type StationPlan,
  type CityExtent,
} from './layout.js';
export { socAfter, timeToSoc, drawKw, allocatePower, type ChargeCurve } from './charging.js';
export { nextArrival, startSecondOfDay } from './demand.js';
export { STATION_KPIS, NETWORK_KPIS, BATTERY_KPIS } from './kpis.js';
export * from './state.js';
export { stationVerdict, stationPastJudge, type StationStatusInput } from './station-status.js';
