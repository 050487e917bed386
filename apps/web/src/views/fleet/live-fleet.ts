import type { TwinLiveLink, TwinLiveVehicle } from '@doppel/client';
import { formatDuration } from '../../lib/format.js';
import type { AssetStatus } from '../../lib/scales.js';
import type { Extent } from './fleet-scene.js';

/** The seed's state sync latency target: a sample later than this is flagged beside its figure. */
export const SYNC_TARGET_MS = 100;

/** How long ago something happened, for a live table: "350 ms", "4.2 s", "2.5 min". */
export function ageText(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : formatDuration(ms / 1000);
}

/** The MQTT link in words, with the status it is shown as (a glyph and a colour beside the words). */
export function linkText(link: TwinLiveLink): { readonly text: string; readonly status: AssetStatus } {
  const broker = link.broker ?? 'the broker';
  switch (link.mqtt) {
    case 'off':
      return { text: 'MQTT off: telemetry over HTTP only', status: 'offline' };
    case 'connecting':
      return { text: `MQTT connecting to ${broker}…`, status: 'warning' };
    case 'connected':
      return { text: `MQTT connected to ${broker}`, status: 'ok' };
    case 'reconnecting':
      return { text: `MQTT link to ${broker} lost: reconnecting`, status: 'warning' };
    case 'unreachable':
      return { text: `MQTT: no broker at ${broker}`, status: 'critical' };
  }
}

/** A mirrored vehicle's status as the shared status scale shows it: live is OK, stale is offline. */
export const liveStatus = (v: TwinLiveVehicle): AssetStatus => (v.status === 'live' ? 'ok' : 'offline');

/** What the live map frames: every measurement and every prediction, plus `margin` metres. */
export function liveExtent(vehicles: readonly TwinLiveVehicle[], margin = 15): Extent | null {
  if (vehicles.length === 0) return null;
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const v of vehicles) {
    for (const p of [v.measured, v.predicted]) {
      xMin = Math.min(xMin, p.x_m);
      xMax = Math.max(xMax, p.x_m);
      yMin = Math.min(yMin, p.y_m);
      yMax = Math.max(yMax, p.y_m);
    }
  }
  return { xMin: xMin - margin, xMax: xMax + margin, yMin: yMin - margin, yMax: yMax + margin };
}

/** Live and stale counts, for headings and the map's accessible name. */
export function liveCounts(vehicles: readonly TwinLiveVehicle[]): { live: number; stale: number } {
  const live = vehicles.filter((v) => v.status === 'live').length;
  return { live, stale: vehicles.length - live };
}
