/**
 * Helpers for the outbox tests: a wire log of every call the Lark SDK makes (with the `uuid` it
 * carries and how Lark answered), suggestion inputs for the admin API, a CSV generator for the
 * CLI, a free port, and readers of a duban database file for a bot running in a child process.
 */
import { createServer } from 'node:net';
import * as lark from '@larksuiteoapi/node-sdk';
import Database from 'better-sqlite3';

/** Exactly the send-message endpoint (not reply, not PATCH). */
export const SEND_PATH = /^\/open-apis\/im\/v1\/messages$/;
/** Exactly the create-chat endpoint. */
export const CREATE_CHAT_PATH = /^\/open-apis\/im\/v1\/chats$/;
export const TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal';

export interface LarkCall {
  /** Date.now() when the SDK sent the request. */
  at: number;
  method: string;
  path: string;
  /** The idempotency uuid (body for messages, query for chats); the outbox row id. */
  uuid: string | undefined;
  /** Date.now() when the answer came back (undefined while in flight). */
  answeredAt?: number;
  /** HTTP status of a refused call (undefined for a 2xx). */
  status?: number;
  /** Lark's body code of a refused call. */
  code?: number;
  retryAfter?: string;
}

type AnyConfig = { method?: string; url?: string; data?: unknown; params?: unknown };

/**
 * Records every request that goes through the SDK's shared axios instance (the one duban's
 * client uses): when it was sent, its uuid, and, for a refused call, when and how Lark answered.
 * Observation only: requests and answers pass through unchanged.
 */
export function recordLarkCalls() {
  const calls: LarkCall[] = [];
  const byConfig = new WeakMap<object, LarkCall>();
  const http = lark.defaultHttpInstance;

  const requestId = http.interceptors.request.use((config) => {
    const c = config as AnyConfig;
    const url = new URL(c.url ?? '', 'http://placeholder');
    const data = typeof c.data === 'string' ? safeJson(c.data) : c.data;
    const params = (c.params ?? {}) as Record<string, unknown>;
    const uuid = (data as { uuid?: unknown } | undefined)?.uuid ?? params.uuid;
    const call: LarkCall = {
      at: Date.now(),
      method: (c.method ?? 'get').toUpperCase(),
      path: url.pathname,
      uuid: typeof uuid === 'string' ? uuid : undefined,
    };
    calls.push(call);
    byConfig.set(config, call);
    return config;
  });
  const responseId = http.interceptors.response.use(
    (response) => response,
    (error: unknown) => {
      const e = error as { config?: object; response?: { status?: number; data?: { code?: unknown }; headers?: Record<string, unknown> } };
      const call = e.config ? byConfig.get(e.config) : undefined;
      if (call) {
        call.answeredAt = Date.now();
        if (e.response?.status !== undefined) call.status = e.response.status;
        if (typeof e.response?.data?.code === 'number') call.code = e.response.data.code;
        const reset = e.response?.headers?.['x-ogw-ratelimit-reset'];
        if (reset !== undefined) call.retryAfter = String(reset);
      }
      return Promise.reject(error);
    },
  );

  return {
    calls,
    /** The calls that carried `uuid`, in the order they were sent. */
    withUuid: (uuid: string) => calls.filter((c) => c.uuid === uuid),
    /** Calls Lark refused (any non-2xx answer). */
    refused: () => calls.filter((c) => c.status !== undefined),
    sends: () => calls.filter((c) => c.method === 'POST' && SEND_PATH.test(c.path)),
    clear: () => {
      calls.length = 0;
    },
    stop: () => {
      http.interceptors.request.eject(requestId);
      http.interceptors.response.eject(responseId);
    },
  };
}

export type LarkCallLog = ReturnType<typeof recordLarkCalls>;

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A suggestion for `POST /api/suggestions`, fields as in the end-to-end test. */
export function suggestionInput(number: string, options: { leadUnit?: string; coUnits?: string[]; leadDeputy?: string } = {}) {
  return {
    session: '市六届人大二次会议',
    number,
    kind: '建议',
    timing: '大会',
    title: `关于第${number}号事项的建议`,
    body: '测试用的建议内容。',
    category: '交通邮电',
    lead_deputy: options.leadDeputy ?? 'd01',
    co_deputies: [],
    lead_unit: options.leadUnit ?? 'jtw',
    co_units: options.coUnits ?? ['cgj'],
    assigned_on: '2026-02-10',
    key: false,
    classified: false,
  };
}

const CSV_HEADER = '届次,编号,类型,提出时间,标题,内容,类别,领衔代表,附议代表,主办单位,协办单位,分办单位,交办日期,重点督办,督办领导,涉密';

/** A suggestions CSV of `count` rows numbered from `first`, cycling through the given units and deputies. */
export function suggestionsCsv(count: number, first: number, units: string[], deputies: string[]): string {
  const lines = [CSV_HEADER];
  for (let i = 0; i < count; i++) {
    const number = String(first + i).padStart(4, '0');
    lines.push(['市六届人大二次会议', number, '建议', '大会', `生成的建议 ${number}`, '内容', '交通邮电', deputies[i % deputies.length], '', units[i % units.length], '', '', '2026-02-10', '否', '', '否'].join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** A loopback port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface OutboxFileRow {
  seq: number;
  id: string;
  suggestion_id: string | null;
  kind: string;
  status: 'pending' | 'sent' | 'failed' | 'skipped';
  attempts: number;
  last_error: string | null;
  result: string | null;
}

/** Reads a duban database file read-only (a running bot may be writing it; WAL lets both). */
export function readDbFile<T>(path: string, query: (db: Database.Database) => T): T {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return query(db);
  } finally {
    db.close();
  }
}

export function outboxOfFile(path: string): OutboxFileRow[] {
  return readDbFile(path, (db) => db.prepare('select seq, id, suggestion_id, kind, status, attempts, last_error, result from outbox order by seq').all() as OutboxFileRow[]);
}

/** Polls `condition` until it holds; throws with `describe()` after `ms`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, ms: number, describe: () => string | Promise<string>, everyMs = 25): Promise<void> {
  const until = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms: ${await describe()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
