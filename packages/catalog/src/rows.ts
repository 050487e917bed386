import type { simulations, vehicles, webhookDeliveries, webhooks } from './schema/sqlite.js';

/** Row shapes of the catalog tables (snake_case as stored), the same in both dialects. */
export type SimulationRow = Readonly<typeof simulations.$inferSelect>;
export type SimulationStatusValue = SimulationRow['status'];
export type VehicleRow = Readonly<typeof vehicles.$inferSelect>;
export type WebhookRow = Readonly<typeof webhooks.$inferSelect>;
/** The delivery log: one row per delivery (its latest attempt); the simulation's outbox holds the body. */
export type DeliveryRow = Readonly<Omit<typeof webhookDeliveries.$inferSelect, 'seq'>>;
export type DeliveryStatusValue = DeliveryRow['status'];

export interface Account {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
}

/** A row without its insertion-order column (an ordering detail of the catalog, not part of the row's facts). */
export function withoutSeq<T extends { seq: number | null }>(row: T): Omit<T, 'seq'> {
  const { seq, ...rest } = row;
  void seq;
  return rest;
}
