/**
 * Fault injection for the fake Lark: "the next 3 sends answer 500", "the token endpoint hangs
 * for 5 s", "this call is applied but its answer is lost". Faults are matched in the order they
 * were added and each is used `times` times.
 */

export interface FaultSpec {
  /** HTTP method to match (any when omitted), e.g. 'POST'. */
  method?: string;
  /** A path prefix such as '/open-apis/im/v1/messages', or a RegExp tested against the path. */
  path: string | RegExp;
  /**
   * The HTTP status to answer. Omit it with `delayMs` to only slow the call down: the call is
   * then handled normally after the delay (even if its caller has gone away meanwhile).
   */
  status?: number;
  /** The JSON body to answer; a Lark-shaped body is chosen from the status when omitted. */
  body?: unknown;
  headers?: Record<string, string>;
  /** How many matching calls this fault answers (default 1). */
  times?: number;
  /** Hold the answer this long (real milliseconds, not the fake clock). */
  delayMs?: number;
  /**
   * 'replace' (default): the call has no effect. 'after': the call is applied (a message is
   * stored, a chat created) and then answered with the fault, as when Lark commits but the
   * answer is lost — the case Lark's idempotency `uuid` exists for.
   */
  mode?: 'replace' | 'after';
  /**
   * The share (0–1) of matching calls this fault answers, drawn at random per call: "20 % of the
   * sends fail". A call it lets pass goes on to the next fault, or to Lark itself.
   */
  rate?: number;
}

export interface ActiveFault extends Required<Pick<FaultSpec, 'path' | 'times' | 'mode'>> {
  id: number;
  method?: string;
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
  rate?: number;
  used: number;
}

/** One call a fault answered: what a test needs to tell a lost answer (performed all the same) from a refusal. */
export interface TakenFault {
  faultId: number;
  method: string;
  path: string;
  status: number | undefined;
  mode: 'replace' | 'after';
  delayMs: number | undefined;
}

export class FaultRegistry {
  private readonly active: ActiveFault[] = [];
  private nextId = 1;
  /** Every call a fault was used on, in order. */
  readonly taken: TakenFault[] = [];

  add(spec: FaultSpec): ActiveFault {
    const fault: ActiveFault = {
      id: this.nextId++,
      path: spec.path,
      times: spec.times ?? 1,
      mode: spec.mode ?? 'replace',
      used: 0,
      ...(spec.method !== undefined && { method: spec.method.toUpperCase() }),
      ...(spec.status !== undefined && { status: spec.status }),
      ...(spec.body !== undefined && { body: spec.body }),
      ...(spec.headers !== undefined && { headers: spec.headers }),
      ...(spec.delayMs !== undefined && { delayMs: spec.delayMs }),
      ...(spec.rate !== undefined && { rate: spec.rate }),
    };
    this.active.push(fault);
    return fault;
  }

  /** Finds the first fault matching this call and uses it up once. */
  take(method: string, path: string): ActiveFault | undefined {
    const index = this.active.findIndex(
      (f) =>
        (f.method === undefined || f.method === method.toUpperCase()) &&
        (typeof f.path === 'string' ? path.startsWith(f.path) : f.path.test(path)) &&
        (f.rate === undefined || Math.random() < f.rate),
    );
    if (index < 0) return undefined;
    const fault = this.active[index]!;
    fault.used++;
    this.taken.push({ faultId: fault.id, method: method.toUpperCase(), path, status: fault.status, mode: fault.mode, delayMs: fault.delayMs });
    if (fault.used >= fault.times) this.active.splice(index, 1);
    return fault;
  }

  remove(id: number): boolean {
    const index = this.active.findIndex((f) => f.id === id);
    if (index >= 0) this.active.splice(index, 1);
    return index >= 0;
  }

  clear(): void {
    this.active.length = 0;
  }

  list(): ActiveFault[] {
    return [...this.active];
  }
}
