/**
 * Which tenant a request is for (SPEC §11). One tenant — one congress or government office, one
 * Lark app — takes the same variables as Node (LARK_*, ADMIN_TOKEN, DUBAN_*). Several tenants are
 * configured as one JSON secret, DUBAN_TENANTS: `{"<name>": {"LARK_APP_ID": "cli_…", …}}`, each
 * tenant's variables over the shared ones, and are reached under `/t/<name>/…`.
 */
import { ConfigError, readConfig, type Config } from '../../app/config.ts';

export const DEFAULT_TENANT = 'default';
const TENANT_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

export type Settings = Record<string, string | undefined>;

/** The environment's plain-text variables (bindings such as the Durable Object namespace left out). */
function sharedSettings(env: Record<string, unknown>): Settings {
  return Object.fromEntries(Object.entries(env).filter(([key, value]) => typeof value === 'string' && key !== 'DUBAN_TENANTS')) as Settings;
}

export class TenantConfigError extends Error {}

/** The tenants and their settings; a single unnamed tenant when DUBAN_TENANTS is not set. */
export function tenantsOf(env: Record<string, unknown>): Map<string, Settings> {
  const shared = sharedSettings(env);
  const raw = env.DUBAN_TENANTS;
  if (typeof raw !== 'string' || raw.trim() === '') return new Map([[DEFAULT_TENANT, shared]]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new TenantConfigError(`DUBAN_TENANTS is not valid JSON: ${(error as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new TenantConfigError('DUBAN_TENANTS must be a JSON object of tenant names');
  const tenants = new Map<string, Settings>();
  for (const [name, own] of Object.entries(parsed as Record<string, unknown>)) {
    if (!TENANT_NAME.test(name)) throw new TenantConfigError(`DUBAN_TENANTS: "${name}" is not a tenant name (a-z, 0-9 and -, at most 63)`);
    if (!own || typeof own !== 'object' || Array.isArray(own) || Object.values(own).some((v) => typeof v !== 'string')) {
      throw new TenantConfigError(`DUBAN_TENANTS.${name} must be an object of variables with string values`);
    }
    tenants.set(name, { ...shared, ...(own as Settings) });
  }
  if (tenants.size === 0) throw new TenantConfigError('DUBAN_TENANTS names no tenant');
  return tenants;
}

export type Route = { tenant: string; path: string } | { error: { status: 404; code: string; message: string } };

/** The tenant and the path within it: `/t/<name>/…` when several tenants are configured, else everything. */
export function routeOf(pathname: string, tenants: ReadonlyMap<string, Settings>): Route {
  if (tenants.size === 1 && tenants.has(DEFAULT_TENANT)) return { tenant: DEFAULT_TENANT, path: pathname };
  const prefixed = /^\/t\/([^/]+)(\/.*)?$/.exec(pathname);
  if (!prefixed) return { error: { status: 404, code: 'tenant_required', message: `Several tenants are configured: use /t/<tenant>${pathname} (tenants: ${[...tenants.keys()].join(', ')})` } };
  const tenant = decodeURIComponent(prefixed[1]!);
  if (!tenants.has(tenant)) return { error: { status: 404, code: 'unknown_tenant', message: `No tenant "${tenant}"` } };
  return { tenant, path: prefixed[2] ?? '/' };
}

/**
 * A tenant's configuration, refusing what a Worker cannot do: a Worker runs per request and
 * cannot hold Lark's long connection open (the SDK's WSClient is Node-only too), so
 * LARK_EVENT_MODE=websocket stops the tenant with a message saying what to do instead.
 */
export function tenantConfig(settings: Settings): Config {
  const config = readConfig(settings);
  if (config.lark.eventMode === 'websocket') {
    throw new ConfigError([
      'LARK_EVENT_MODE websocket cannot run on Cloudflare Workers: a Worker cannot hold Lark\'s long connection open. Use LARK_EVENT_MODE=webhook with the callback URL …/lark/events, or run duban on Node (npm start) for the long connection',
    ]);
  }
  return config;
}
