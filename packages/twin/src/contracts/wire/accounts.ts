import { z } from 'zod';
import { wireRecord } from './record.js';

export const scopeSchema = z.enum(['read', 'write', 'admin']);
export type Scope = z.infer<typeof scopeSchema>;

export const accountInfoSchema = wireRecord('Account', {
  id: z.string(),
  name: z.string(),
  scopes: z.array(scopeSchema).readonly(),
  createdAt: z.string(),
  limits: z.record(z.string(), z.number()),
});
export type AccountInfo = z.infer<typeof accountInfoSchema>;

export const createdAccountSchema = wireRecord('CreatedAccount', {
  account: z.object({ id: z.string(), name: z.string(), createdAt: z.string() }).readonly(),
  key: z.string().describe('Shown once'),
  scopes: z.array(scopeSchema).readonly(),
});
export type CreatedAccount = z.infer<typeof createdAccountSchema>;

export const webhookDeliveryStatusSchema = z.enum(['pending', 'delivered', 'retrying', 'failed']);

const webhookFields = {
  id: z.string(),
  url: z.string(),
  eventTypes: z.array(z.string()).readonly(),
  simulationId: z.string().nullable(),
  createdAt: z.string(),
  deliveries: z
    .record(webhookDeliveryStatusSchema, z.number())
    .readonly()
    .describe('Deliveries in each state; failed ones wait for a redelivery'),
};
export const webhookSchema = wireRecord('Webhook', webhookFields);
export type Webhook = z.infer<typeof webhookSchema>;

export const createdWebhookSchema = wireRecord('CreatedWebhook', {
  ...webhookFields,
  secret: z.string().describe('whsec_..., shown once: verify deliveries with it'),
});
export type CreatedWebhook = z.infer<typeof createdWebhookSchema>;

export const webhookDeliverySchema = wireRecord('WebhookDelivery', {
  id: z
    .string()
    .describe('The webhook-id of every attempt: msg_<simulation>_<webhook>_<from>-<to> for a range of ledger seqs'),
  simulationId: z.string().nullable(),
  status: webhookDeliveryStatusSchema,
  attempts: z.number(),
  eventCount: z.number(),
  lastStatusCode: z.number().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable().describe('When the next attempt is due, while pending or retrying'),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;

export const healthSchema = wireRecord('Health', {
  status: z.literal('ok'),
  version: z.string(),
  packs: z.array(z.string()).readonly(),
  uptimeS: z.number(),
});
export type Health = z.infer<typeof healthSchema>;
