/**
 * Failed authentications per client address in fixed windows. The per-key rate limit cannot see brute force: a
 * forged key is refused before that limit counts it, and rotating keys each get a bucket of their own. So every
 * refused key (or missing key on a route that needs one) counts against the address it came from, and an address
 * over the limit is answered 429 before its key is even looked up.
 */
export class AuthFailureLimiter {
  private readonly windows = new Map<string, { failures: number; resetAt: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    /** Addresses remembered at most: beyond this, windows that ended are forgotten first. */
    private readonly maxAddresses = 100_000,
  ) {}

  /** Seconds until `address` may try again, or null when it may try now. */
  retryAfter(address: string, now: number): number | null {
    const window = this.windows.get(address);
    if (window === undefined || window.resetAt <= now || window.failures < this.max) return null;
    return Math.max(1, Math.ceil((window.resetAt - now) / 1000));
  }

  fail(address: string, now: number): void {
    const window = this.windows.get(address);
    if (window !== undefined && window.resetAt > now) {
      window.failures += 1;
      return;
    }
    if (this.windows.size >= this.maxAddresses) this.forget(now);
    this.windows.set(address, { failures: 1, resetAt: now + this.windowMs });
  }

  private forget(now: number): void {
    for (const [address, window] of this.windows) if (window.resetAt <= now) this.windows.delete(address);
    // Still full (a flood from ever new addresses): drop the oldest half rather than grow without bound.
    if (this.windows.size >= this.maxAddresses) {
      let drop = Math.floor(this.windows.size / 2);
      for (const address of this.windows.keys()) {
        if (drop-- <= 0) break;
        this.windows.delete(address);
      }
    }
  }
}
