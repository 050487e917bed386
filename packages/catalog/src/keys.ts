import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const SCOPES = ['read', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** What each scope implies: write can read, admin can do everything. */
export function hasScope(granted: readonly Scope[], needed: Scope): boolean {
  if (granted.includes('admin')) return true;
  if (needed === 'read') return granted.includes('read') || granted.includes('write');
  return granted.includes(needed);
}

/**
 * A new API key `dpl_<key id>_<secret>`: the id finds the stored hash, the 32-byte secret is what proves it. The
 * prefix makes leaked keys easy to spot.
 */
export function newApiKey(): { id: string; key: string } {
  const id = randomBytes(8).toString('hex');
  return { id, key: `dpl_${id}_${randomBytes(32).toString('base64url')}` };
}

/** The key id of a well-formed key, or null. */
export function keyIdOf(key: string): string | null {
  const match = /^dpl_([0-9a-f]{16})_[A-Za-z0-9_-]{20,}$/.exec(key);
  return match === null ? null : match[1];
}

/** Keys are high-entropy, so one SHA-256 suffices (no slow KDF needed); only the hash is stored. */
export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(9).toString('base64url')}`;
}

/** Standard Webhooks secret: `whsec_` + base64 of 24 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}
