/**
 * Sliding-window limits on calls to Lark, kept by the sender so it stays under Lark's own limits
 * (API.md §5.0, §5.4): 50 calls per second for the app, 5 messages per second per chat. Lark's
 * 429/230020 answers remain the backstop; this just avoids provoking them.
 */
export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Milliseconds to wait before `key` may be used again; 0 means now. */
  waitMs(key: string, now: number): number {
    const recent = this.prune(key, now);
    return recent.length < this.limit ? 0 : recent[0]! + this.windowMs - now;
  }

  take(key: string, now: number): void {
    this.prune(key, now).push(now);
  }

  private prune(key: string, now: number): number[] {
    const list = (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs);
    this.hits.set(key, list);
    return list;
  }
}
