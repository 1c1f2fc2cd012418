/**
 * Sliding-window rate limits. Sliding (rather than fixed, aligned windows) is the stricter
 * reading: no span of `windowMs` may hold more than `limit` calls, so a caller that passes here
 * passes Lark's gateway whatever its window alignment is. The outbox sender paces itself with it
 * (lark-pacing.ts); the sandbox enforces Lark's limits with the same rule.
 *
 * A caller's clock is not the gateway's: a call taken at one moment may reach Lark later (a token
 * fetch first, a busy event loop, a slow connection). So a call the sender takes counts as "now
 * and for as long as it is on its way", and only once it is answered does it count from the
 * moment of the answer — the latest it can have reached Lark. Then no window at Lark can hold more
 * calls than the limit, however late calls arrive.
 */

export interface WindowRule {
  limit: number;
  windowMs: number;
}

/** The rules that apply to one key (an API, a chat, a message). */
export interface Limit {
  key: string;
  rules: readonly WindowRule[];
}

export type Admission = { ok: true } | { ok: false; limit: number; retryAfterMs: number };

/** When a call counts from: its answer's time once answered, Infinity while on its way. */
interface Hit {
  at: number;
}

/** How long to wait when a window is full of calls still on their way: until one is answered. */
const WHILE_IN_FLIGHT_MS = 50;

export class SlidingWindowLimiter {
  private readonly hits = new Map<string, Hit[]>();

  /** Milliseconds until every limit admits one more call; 0 means now. */
  waitMs(limits: readonly Limit[], nowMs: number): number {
    return Math.max(0, ...limits.map((l) => this.refusal(l, nowMs)?.retryAfterMs ?? 0));
  }

  /**
   * Counts one call under every limit's key, as on its way; call the returned function when it
   * is answered (with the time of the answer).
   */
  take(limits: readonly Limit[], nowMs: number): (answeredAtMs: number) => void {
    const hits = limits.map((l) => {
      const hit = { at: Infinity };
      this.recent(l, nowMs).push(hit);
      return hit;
    });
    return (answeredAtMs) => {
      for (const hit of hits) hit.at = Math.max(nowMs, answeredAtMs);
    };
  }

  /** Admits and records one call under `key`, at `nowMs`, if every rule allows it; records nothing otherwise. */
  tryAcquire(key: string, rules: readonly WindowRule[], nowMs: number): Admission {
    const refusal = this.refusal({ key, rules }, nowMs);
    if (refusal) return { ok: false, ...refusal };
    this.take([{ key, rules }], nowMs)(nowMs);
    return { ok: true };
  }

  reset(): void {
    this.hits.clear();
  }

  private refusal(l: Limit, nowMs: number): { limit: number; retryAfterMs: number } | undefined {
    const kept = this.recent(l, nowMs)
      .map((h) => h.at)
      .sort((a, b) => a - b);
    let refusal: { limit: number; retryAfterMs: number } | undefined;
    for (const rule of l.rules) {
      const inWindow = kept.filter((t) => t > nowMs - rule.windowMs);
      if (inWindow.length >= rule.limit) {
        // The call becomes possible once the oldest call that still counts leaves the window.
        const oldest = inWindow[inWindow.length - rule.limit]!;
        const retryAfterMs = oldest === Infinity ? WHILE_IN_FLIGHT_MS : Math.max(1, oldest + rule.windowMs - nowMs);
        if (!refusal || retryAfterMs > refusal.retryAfterMs) refusal = { limit: rule.limit, retryAfterMs };
      }
    }
    return refusal;
  }

  /** The calls still inside the longest window of `l`, or still on their way (older ones are forgotten). */
  private recent(l: Limit, nowMs: number): Hit[] {
    const longest = Math.max(0, ...l.rules.map((r) => r.windowMs));
    const kept = (this.hits.get(l.key) ?? []).filter((h) => h.at > nowMs - longest && (h.at <= nowMs || h.at === Infinity));
    this.hits.set(l.key, kept);
    return kept;
  }
}
