import { z } from 'zod';
import { UNIT_SYMBOLS } from '../units.js';

/** Standard gravity, m/s². */
export const G = 9.80665;

export const unitProperty = (what: string) =>
  z
    .enum(UNIT_SYMBOLS as [string, ...string[]])
    .optional()
    .describe(`Unit of ${what}. Default: the unit of what it is connected to.`);

export const num = (min: number, max: number, fallback: number, description: string) =>
  z.number().min(min).max(max).default(fallback).describe(description);

export const clamp = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);

/** 0 below 0, 1 above `width`, linear between: softens a discontinuity (empty, full) so RK4 stages stay smooth. */
export const ramp01 = (v: number, width: number): number => (v <= 0 ? 0 : v >= width ? 1 : v / width);

/** A time-stamped history of a value: reads the value as it was `delay` seconds ago (the newest sample no later). */
export class DelayLine {
  private readonly times: number[] = [];
  private readonly values: number[] = [];
  private head = 0;

  constructor(private readonly delay: number) {}

  push(t: number, v: number): void {
    this.times.push(t);
    this.values.push(v);
  }

  read(t: number, fallback: number): number {
    const due = t - this.delay + 1e-9;
    while (this.head + 1 < this.times.length && (this.times[this.head + 1] as number) <= due) this.head++;
    // Keep memory bounded: drop what can never be read again.
    if (this.head > 1024) {
      this.times.splice(0, this.head);
      this.values.splice(0, this.head);
      this.head = 0;
    }
    return (this.times[this.head] ?? Infinity) <= due ? (this.values[this.head] as number) : fallback;
  }
}
