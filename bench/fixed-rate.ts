/**
 * An open-loop load generator: requests leave on a fixed schedule (one every 1/rate s), whether
 * or not earlier ones have been answered, and each latency is counted from the moment its request
 * was due to leave (as wrk2 does). This is what "p99 at 1,000 events/s" means for a webhook: Lark
 * sends events as they happen and does not wait for our previous answer.
 *
 * autocannon's `overallRate` is not this: each connection sends as fast as it can until its share
 * of the second is spent and then waits for the next second, so the "fixed rate" is really bursts
 * at full speed; and its coordinated-omission correction assumes a 1 ms interval per connection,
 * adding a synthetic sample for every millisecond of every answer slower than that. Both inflate
 * p99 for any server; this generator measures the rate that was asked for.
 */
import { Agent, request } from 'node:http';

export interface TimedRequest {
  body: string;
  headers: Record<string, string>;
}

export interface FixedRateResult {
  sent: number;
  p50: number;
  p99: number;
  max: number;
  /** What the generator achieved: sent / seconds from the first due time to the last answer. */
  achievedRate: number;
  /** Every latency, ascending (ms): to pool several runs into one percentile. */
  latencies: Float64Array;
}

export async function fixedRateLoad(
  url: string,
  path: string,
  next: () => TimedRequest,
  options: { rate: number; seconds: number; maxSockets?: number },
): Promise<FixedRateResult> {
  const { hostname, port } = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 64 });
  const total = Math.round(options.rate * options.seconds);
  const intervalMs = 1000 / options.rate;
  const latencies = new Float64Array(total);
  let sent = 0;
  let answered = 0;
  const start = performance.now();

  try {
    await new Promise<void>((resolve, reject) => {
      const send = (index: number, dueAt: number) => {
        const { body, headers } = next();
        const req = request({ agent, hostname, port, path, method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode !== 200) return reject(new Error(`${url}${path}: answered ${res.statusCode}`));
            latencies[index] = performance.now() - dueAt;
            if (++answered === total) resolve();
          });
        });
        req.on('error', reject);
        req.end(body);
      };
      // Timers fire about once a millisecond: each tick sends every request that has come due.
      const tick = () => {
        const due = Math.min(total, Math.floor((performance.now() - start) / intervalMs) + 1);
        while (sent < due) {
          send(sent, start + sent * intervalMs);
          sent++;
        }
        if (sent < total) setTimeout(tick, 1);
      };
      tick();
    });
  } finally {
    agent.destroy();
  }

  const elapsedS = (performance.now() - start) / 1000;
  const sorted = latencies.sort();
  return { sent: total, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted[sorted.length - 1]!, achievedRate: total / elapsedS, latencies: sorted };
}

/** The q-quantile (0–1) of ascending latencies, nearest rank. */
export function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/** Several runs' latencies as one ascending array. */
export function pooled(runs: ReadonlyArray<{ latencies: Float64Array }>): Float64Array {
  const all = new Float64Array(runs.reduce((n, r) => n + r.latencies.length, 0));
  let offset = 0;
  for (const r of runs) {
    all.set(r.latencies, offset);
    offset += r.latencies.length;
  }
  return all.sort();
}
