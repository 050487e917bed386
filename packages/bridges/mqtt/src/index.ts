export { LiveSync, type LiveLinkState, type LiveSyncOptions, type LiveSyncStats } from './live-sync.js';
export { TELEMETRY_LIMITS, decodeTelemetry, type Decoded, type Measurement, type RefusalReason } from './telemetry.js';
export { MqttPoints, MqttPointError, type PointValue } from './points.js';
