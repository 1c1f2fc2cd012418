/**
 * What every endpoint handler of the fake works on (API.md §5): the app and its state, the limits
 * it enforces, its clock and directory, and the shape of a call and its answer. A handler refuses
 * by throwing a LarkError, which serve.ts turns into Lark's error envelope.
 */
import type { SlidingWindowLimiter } from '../../adapters/lark/rate-limiter.ts';
import type { FakeLarkState, SandboxPerson } from '../sandbox-state.ts';

/** A refusal in Lark's error envelope: HTTP 400 (unless stated) with a non-zero code. */
export class LarkError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly httpStatus = 400,
    readonly extra: { headers?: Record<string, string>; error?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = 'LarkError';
  }
}

export interface FakeLimits {
  /** false turns every limit off. */
  enabled: boolean;
  /** Tier 4, per API per app: 50/s and 1000/min, either triggers (API.md §5.0). */
  appPerSecond: number;
  appPerMinute: number;
  /** Sends and replies into one chat, shared by all bots (230020). */
  perChatPerSecond: number;
  /** Sends to one user by open_id (230020). */
  perUserPerSecond: number;
  /** PATCH of one message (230020). */
  patchPerMessagePerSecond: number;
  /** Unread urgents per user (230023); the sandbox cannot tell read from unread, so it counts all. */
  maxUrgentsPerUser: number;
  /** Tenant quota for urgent_sms and urgent_phone deliveries (230024). */
  urgentSmsQuota: number;
  urgentPhoneQuota: number;
}

export const DEFAULT_LIMITS: FakeLimits = {
  enabled: true,
  appPerSecond: 50,
  appPerMinute: 1000,
  perChatPerSecond: 5,
  perUserPerSecond: 5,
  patchPerMessagePerSecond: 5,
  maxUrgentsPerUser: 200,
  urgentSmsQuota: Number.POSITIVE_INFINITY,
  urgentPhoneQuota: Number.POSITIVE_INFINITY,
};

export interface FakeCore {
  appId: string;
  appSecret: string;
  botOpenId: string;
  tenantKey: string;
  state: FakeLarkState;
  limits: FakeLimits;
  limiter: SlidingWindowLimiter;
  now(): number;
  person(openId: string): SandboxPerson | undefined;
  /** When true only people in the directory exist; otherwise any well-formed open_id does. */
  strictDirectory: boolean;
  tokenTtlSeconds: number;
  cardMaxBytes: number;
  textMaxBytes: number;
  changed(): void;
}

export interface RouteInput {
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
}

/** A handler's answer: `data` goes under `data`, `top` is spread at the top level (token API). */
export interface RouteOutput {
  msg?: string;
  data?: unknown;
  top?: Record<string, unknown>;
}
