/**
 * Configuration from the environment (SPEC §7), validated once at start by a pure function of
 * the environment it is given. A missing or malformed value stops the program with a message
 * that names the variable and says what is wrong with it.
 */
import cron from 'node-cron';
import { z } from 'zod';

/** An unset variable and an empty (or blank) one mean the same: not configured. */
const isUnset = (v: unknown) => v === undefined || (typeof v === 'string' && v.trim() === '');
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (isUnset(v) ? undefined : v), schema.optional());
const withDefault = <T extends z.ZodType>(schema: T, value: z.input<T>) => z.preprocess((v) => (isUnset(v) ? value : v), schema);

/** Decimal digits only: `Number()` would also take 0x10 or 1e3. */
const port = z
  .string()
  .trim()
  .regex(/^\d+$/, 'must be a whole number from 0 to 65535')
  .transform(Number)
  .pipe(z.number().max(65535, 'must be a whole number from 0 to 65535'));

const schedule = z.string().refine((v) => v === 'off' || cron.validate(v), {
  message: 'must be a cron expression such as "0 9 * * *", or "off"',
});

const timeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be an IANA time zone such as Asia/Shanghai' },
);

/** How Lark's events reach duban (SPEC §6): POSTs to `/lark/events`, or the SDK's long connection. */
export const EVENT_MODES = ['webhook', 'websocket'] as const;
export type EventMode = (typeof EVENT_MODES)[number];

/**
 * The SDK's WSClient starts only for an app id of `cli_` and 16 hex digits (every Lark app id
 * has that form) and otherwise logs and does nothing (node-sdk ws-client `start`), which would
 * leave the long connection silently down: so it is checked here.
 */
const LONG_CONNECTION_APP_ID = /^cli_[0-9a-fA-F]{16}$/;

const envSchema = z
  .object({
    LARK_APP_ID: optional(z.string().regex(/^cli_[A-Za-z0-9]+$/, 'must look like cli_xxxxxxxx')),
    LARK_APP_SECRET: optional(z.string().min(8, 'is too short to be an app secret')),
    LARK_VERIFICATION_TOKEN: optional(z.string()),
    LARK_ENCRYPT_KEY: optional(z.string()),
    LARK_BASE_URL: withDefault(z.url({ message: 'must be a URL such as https://open.feishu.cn' }), 'https://open.feishu.cn'),
    LARK_EVENT_MODE: withDefault(z.enum(EVENT_MODES, { message: 'must be webhook or websocket' }), 'webhook'),
    DATABASE_PATH: withDefault(z.string().min(1), './data/duban.db'),
    PORT: withDefault(port, '3000'),
    SANDBOX_PORT: optional(port),
    HOST: withDefault(z.string().trim().regex(/^[A-Za-z0-9.:\-\[\]]+$/, 'must be an interface address such as 127.0.0.1, 0.0.0.0 or ::'), '127.0.0.1'),
    ADMIN_TOKEN: optional(z.string().min(12, 'must be at least 12 characters: it guards the whole admin API')),
    DUBAN_POLICY: optional(z.string()),
    DUBAN_CALENDAR_OVERRIDES: optional(z.string()),
    DUBAN_SUPERVISOR_CHAT_ID: optional(z.string().regex(/^oc_[A-Za-z0-9]+$/, 'must be a Lark chat id (oc_…)')),
    DUBAN_TIMEZONE: withDefault(timeZone, 'Asia/Shanghai'),
    DUBAN_SCHEDULE: withDefault(schedule, '0 9 * * *'),
    DUBAN_DIGEST_SCHEDULE: withDefault(schedule, '0 9 * * 1'),
    LOG_LEVEL: withDefault(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'info'),
    DUBAN_SANDBOX: withDefault(z.enum(['auto', 'on', 'off'], { message: 'must be auto, on or off' }), 'auto'),
  });

/**
 * Variables that only make sense together. Checked on the raw environment, apart from the field
 * checks, so an operator learns about every problem at once.
 */
function missingPartners(env: Record<string, string | undefined>, malformed: ReadonlySet<string>): string[] {
  const set = (name: string) => !isUnset(env[name]);
  const problems: string[] = [];
  if (set('LARK_APP_ID') && !set('LARK_APP_SECRET')) problems.push('LARK_APP_SECRET is required when LARK_APP_ID is set');
  if (set('LARK_APP_SECRET') && !set('LARK_APP_ID')) problems.push('LARK_APP_ID is required when LARK_APP_SECRET is set');
  // Never replace a Lark configuration with the sandbox's without being asked (SPEC §7 DUBAN_SANDBOX).
  const sandbox = isUnset(env.DUBAN_SANDBOX) ? 'auto' : env.DUBAN_SANDBOX;
  const larkSettings = ['LARK_VERIFICATION_TOKEN', 'LARK_ENCRYPT_KEY', 'LARK_BASE_URL'].filter((name) => set(name) && !malformed.has(name));
  if (sandbox === 'off' && !set('LARK_APP_ID')) {
    problems.push('LARK_APP_ID and LARK_APP_SECRET are required when DUBAN_SANDBOX=off (without them duban would run against the built-in Lark sandbox)');
  }
  if (sandbox === 'auto' && !set('LARK_APP_ID') && !set('LARK_APP_SECRET') && larkSettings.length > 0) {
    problems.push(
      `${larkSettings.join(', ')} ${larkSettings.length === 1 ? 'is' : 'are'} set but LARK_APP_ID and LARK_APP_SECRET are not: set them to talk to Lark, or unset ${larkSettings.join(', ')} (or set DUBAN_SANDBOX=on) to run against the built-in sandbox`,
    );
  }
  if (sandbox === 'on' && set('LARK_APP_ID')) {
    problems.push('DUBAN_SANDBOX=on runs against the built-in Lark sandbox with its own credentials: unset LARK_APP_ID and LARK_APP_SECRET, or set DUBAN_SANDBOX=auto');
  }
  if (env.LARK_EVENT_MODE?.trim() === 'websocket' && set('LARK_APP_ID') && !LONG_CONNECTION_APP_ID.test(env.LARK_APP_ID!.trim())) {
    problems.push(`LARK_APP_ID must be cli_ and 16 hex digits for LARK_EVENT_MODE=websocket: the SDK's long connection refuses any other (got ${JSON.stringify(env.LARK_APP_ID)})`);
  }
  return problems;
}

export type Env = z.infer<typeof envSchema>;

export interface Config {
  lark: { appId?: string; appSecret?: string; verificationToken?: string; encryptKey?: string; baseUrl: string; eventMode: EventMode };
  databasePath: string;
  port: number;
  /** The built-in sandbox's port (loopback only): SANDBOX_PORT, else PORT + 1; 0 (a free port) when PORT is 0. */
  sandboxPort: number;
  /** The interface the HTTP server listens on. */
  host: string;
  adminToken?: string;
  policyPath?: string;
  calendarOverridesPath?: string;
  supervisorChatId?: string;
  timeZone: string;
  schedule: string;
  digestSchedule: string;
  logLevel: Env['LOG_LEVEL'];
  /** Run against the built-in Lark sandbox (no Lark credentials, and DUBAN_SANDBOX allows it). */
  sandbox: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export function readConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((issue) => `${String(issue.path[0] ?? '(environment)')} ${issue.message} (got ${JSON.stringify(env[String(issue.path[0])] ?? null)})`)),
    ...missingPartners(env, new Set(parsed.success ? [] : parsed.error.issues.map((issue) => String(issue.path[0])))),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    lark: {
      ...(e.LARK_APP_ID && { appId: e.LARK_APP_ID }),
      ...(e.LARK_APP_SECRET && { appSecret: e.LARK_APP_SECRET }),
      ...(e.LARK_VERIFICATION_TOKEN && { verificationToken: e.LARK_VERIFICATION_TOKEN }),
      ...(e.LARK_ENCRYPT_KEY && { encryptKey: e.LARK_ENCRYPT_KEY }),
      baseUrl: e.LARK_BASE_URL.replace(/\/+$/, ''),
      eventMode: e.LARK_EVENT_MODE,
    },
    databasePath: e.DATABASE_PATH,
    port: e.PORT,
    sandboxPort: e.SANDBOX_PORT ?? (e.PORT === 0 || e.PORT === 65535 ? 0 : e.PORT + 1),
    host: e.HOST,
    ...(e.ADMIN_TOKEN && { adminToken: e.ADMIN_TOKEN }),
    ...(e.DUBAN_POLICY && { policyPath: e.DUBAN_POLICY }),
    ...(e.DUBAN_CALENDAR_OVERRIDES && { calendarOverridesPath: e.DUBAN_CALENDAR_OVERRIDES }),
    ...(e.DUBAN_SUPERVISOR_CHAT_ID && { supervisorChatId: e.DUBAN_SUPERVISOR_CHAT_ID }),
    timeZone: e.DUBAN_TIMEZONE,
    schedule: e.DUBAN_SCHEDULE,
    digestSchedule: e.DUBAN_DIGEST_SCHEDULE,
    logLevel: e.LOG_LEVEL,
    sandbox: !e.LARK_APP_ID && e.DUBAN_SANDBOX !== 'off',
  };
}
