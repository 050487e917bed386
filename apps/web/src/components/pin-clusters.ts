import type { SliderPin } from './time-slider.js';

/** Pins closer than this on screen are drawn as one cluster mark: a cluster's mark with its count is about this wide. */
export const PIN_CLUSTER_PX = 36;

/** Pins of one kind that sit together on the slider at its current width: one mark, their count, their list. */
export interface PinCluster {
  /** The first pin's id: stable while the slider keeps its width. */
  readonly id: string;
  readonly kind: 'branch' | 'violation';
  /** Where the mark is drawn: the first pin's time. */
  readonly time: number;
  readonly pins: readonly SliderPin[];
}

/**
 * Groups pins by screen distance: walking each kind in time order, a pin joins the current cluster while it is less
 * than `minGapPx` from the cluster's first pin on a track `widthPx` wide spanning `spanS` seconds. Minutes apart on
 * a day's slider are a pixel or two: drawn one by one, such marks would cover each other and only the top one could be
 * clicked.
 */
export function clusterPins(
  pins: readonly SliderPin[],
  spanS: number,
  widthPx: number,
  minGapPx = PIN_CLUSTER_PX,
): PinCluster[] {
  const pxPerS = Math.max(1, widthPx) / Math.max(1, spanS);
  const out: PinCluster[] = [];
  for (const kind of ['branch', 'violation'] as const) {
    const sorted = pins.filter((p) => (p.kind ?? 'branch') === kind).sort((a, b) => a.time - b.time);
    let current: SliderPin[] = [];
    const close = (): void => {
      if (current.length > 0) out.push({ id: current[0].id, kind, time: current[0].time, pins: current });
    };
    for (const pin of sorted) {
      if (current.length > 0 && (pin.time - current[0].time) * pxPerS < minGapPx) current.push(pin);
      else {
        close();
        current = [pin];
      }
    }
    close();
  }
  return out;
}
