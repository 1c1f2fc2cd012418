/**
 * Sliding-window rate limits on the fake's injected clock. Sliding (rather than fixed, aligned
 * windows) is the stricter reading: no span of `windowMs` may hold more than `limit` calls, so a
 * bot that passes here passes Lark's gateway whatever its window alignment is.
 */

export interface WindowRule {
  limit: number;
  windowMs: number;
}

export type Admission = { ok: true } | { ok: false; limit: number; retryAfterMs: number };

export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();

  /** Admits and records one call under `key` if every rule allows it; records nothing otherwise. */
  tryAcquire(key: string, rules: readonly WindowRule[], nowMs: number): Admission {
    const longest = Math.max(0, ...rules.map((r) => r.windowMs));
    const kept = (this.hits.get(key) ?? []).filter((t) => t > nowMs - longest && t <= nowMs);
    let refusal: { limit: number; retryAfterMs: number } | undefined;
    for (const rule of rules) {
      const inWindow = kept.filter((t) => t > nowMs - rule.windowMs);
      if (inWindow.length >= rule.limit) {
        // The call becomes possible once the oldest call that still counts leaves the window.
        const oldest = inWindow[inWindow.length - rule.limit] ?? nowMs;
        const retryAfterMs = Math.max(1, oldest + rule.windowMs - nowMs);
        if (!refusal || retryAfterMs > refusal.retryAfterMs) refusal = { limit: rule.limit, retryAfterMs };
      }
    }
    if (refusal) {
      this.hits.set(key, kept);
      return { ok: false, ...refusal };
    }
    kept.push(nowMs);
    this.hits.set(key, kept);
    return { ok: true };
  }

  reset(): void {
    this.hits.clear();
  }
}
