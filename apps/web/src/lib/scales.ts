/** Colour and size scales. Status colours are reserved for status; every colour has a shape and a label beside it. */

export type AssetStatus = 'ok' | 'warning' | 'critical' | 'offline';
export const ASSET_STATUSES: readonly AssetStatus[] = ['ok', 'warning', 'critical', 'offline'];

export const STATUS_COLOR: Readonly<Record<AssetStatus, string>> = {
  ok: '#2f9e5b',
  warning: '#e0a100',
  critical: '#d9423b',
  offline: '#8c929c',
};

/** Status colours for text on a light surface: darker shades of the map colours, 4.5:1 or better on white. */
export const STATUS_TEXT_COLOR: Readonly<Record<AssetStatus, string>> = {
  ok: '#1d7a43',
  warning: '#8a5d00',
  critical: '#b42a24',
  offline: '#5d6670',
};

export const STATUS_LABEL: Readonly<Record<AssetStatus, string>> = {
  ok: 'OK',
  warning: 'Rising wait',
  critical: 'High wait',
  offline: 'Outage / maintenance',
};

/** The non-colour cue: the marker shape drawn on the map and shown in legends. */
export type MarkerShape = 'circle' | 'triangle' | 'diamond' | 'cross';
export const STATUS_SHAPE: Readonly<Record<AssetStatus, MarkerShape>> = {
  ok: 'circle',
  warning: 'triangle',
  critical: 'diamond',
  offline: 'cross',
};

/** A glyph for text places (lists, tooltips, headers). */
export const STATUS_GLYPH: Readonly<Record<AssetStatus, string>> = {
  ok: '●',
  warning: '▲',
  critical: '◆',
  offline: '✕',
};

export function isAssetStatus(value: unknown): value is AssetStatus {
  return value === 'ok' || value === 'warning' || value === 'critical' || value === 'offline';
}

export interface RadiusScale {
  readonly min: number;
  readonly max: number;
  /** Queue length at which the dot reaches `max`. */
  readonly saturateAt: number;
}

export const DEFAULT_RADIUS: RadiusScale = { min: 6, max: 20, saturateAt: 30 };

/**
 * Dot radius for a queue length: area grows with the queue (square-root scale, so a queue of 20 does not look 20x
 * bigger than 1), clamped between min and max; negative or missing values give the minimum.
 */
export function queueRadius(queue: number, scale: RadiusScale = DEFAULT_RADIUS): number {
  if (!Number.isFinite(queue) || queue <= 0) return scale.min;
  const t = Math.min(1, Math.sqrt(queue / scale.saturateAt));
  return scale.min + (scale.max - scale.min) * t;
}

/** Shrinks dots when many stations share a small map so they stay distinguishable. */
export function densityScale(count: number, width: number, height: number): RadiusScale {
  const perStation = (width * height) / Math.max(1, count);
  const f = Math.max(0.45, Math.min(1, Math.sqrt(perStation) / 60));
  return { min: DEFAULT_RADIUS.min * f, max: DEFAULT_RADIUS.max * f, saturateAt: DEFAULT_RADIUS.saturateAt };
}

export const MACHINE_COLOR: Readonly<Record<string, string>> = {
  EXECUTE: '#2f9e5b',
  STARVED: '#e0a100',
  BLOCKED: '#e0a100',
  JAMMED: '#ea7a1e',
  DOWN: '#d9423b',
};

export const MACHINE_GLYPH: Readonly<Record<string, string>> = {
  EXECUTE: '▶',
  STARVED: '◌',
  BLOCKED: '■',
  JAMMED: '⚠',
  DOWN: '✕',
};

export function machineColor(state: string): string {
  return MACHINE_COLOR[state] ?? '#8c929c';
}
