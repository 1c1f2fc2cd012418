/**
 * Configuration (SPEC §7): `readConfig` is a pure function of the environment it is given —
 * defaults, `off` schedules, empty means unset, and every malformed value stops with a message
 * naming the variable. `buildRuntime` also stops on a bad DUBAN_POLICY file, naming it.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../src/app/config.ts';
import { buildRuntime } from '../src/runtimes/node/build-runtime.ts';
import { tempDir } from './support/world.ts';

/** The error `fn` throws (fails the test when it does not throw). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return error as Error;
  }
  throw new Error('expected an error, but nothing was thrown');
}

function configError(env: Record<string, string | undefined>): ConfigError {
  const error = thrown(() => readConfig(env));
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('readConfig defaults', () => {
  it('fills every default from an empty environment', () => {
    const config = readConfig({});
    expect(config.databasePath).toBe('./data/duban.db');
    expect(config.port).toBe(3000);
    expect(config.lark.baseUrl).toBe('https://open.feishu.cn');
    expect(config.lark.eventMode).toBe('webhook');
    expect(config.timeZone).toBe('Asia/Shanghai');
    expect(config.schedule).toBe('0 9 * * *');
    expect(config.digestSchedule).toBe('0 9 * * 1');
    // Optional things are absent, so the program runs on the sandbox with the admin API off.
    expect(config.lark.appId).toBeUndefined();
    expect(config.lark.appSecret).toBeUndefined();
    expect(config.adminToken).toBeUndefined();
    expect(config.policyPath).toBeUndefined();
    expect(config.supervisorChatId).toBeUndefined();
  });

  it('treats empty strings as unset', () => {
    const empty = {
      DATABASE_PATH: '',
      PORT: '',
      LARK_BASE_URL: '',
      DUBAN_TIMEZONE: '',
      DUBAN_SCHEDULE: '',
      DUBAN_DIGEST_SCHEDULE: '',
      LARK_APP_ID: '',
      LARK_APP_SECRET: '',
      ADMIN_TOKEN: '',
      DUBAN_POLICY: '',
      DUBAN_SUPERVISOR_CHAT_ID: '',
      LARK_EVENT_MODE: '',
    };
    expect(readConfig(empty)).toEqual(readConfig({}));
  });

  it('takes well-formed values as given', () => {
    const config = readConfig({
      DATABASE_PATH: '/var/lib/duban/duban.db',
      PORT: '8080',
      LARK_BASE_URL: 'https://open.larksuite.com/',
      LARK_APP_ID: 'cli_a1b2c3d4e5',
      LARK_APP_SECRET: 'secret-of-the-app',
      ADMIN_TOKEN: 'a-long-enough-token',
      DUBAN_SUPERVISOR_CHAT_ID: 'oc_abc123',
      DUBAN_TIMEZONE: 'Asia/Hong_Kong',
      DUBAN_SCHEDULE: '30 8 * * 1-5',
      DUBAN_DIGEST_SCHEDULE: '0 10 * * 5',
    });
    expect(config).toMatchObject({
      databasePath: '/var/lib/duban/duban.db',
      port: 8080,
      lark: { appId: 'cli_a1b2c3d4e5', appSecret: 'secret-of-the-app', baseUrl: 'https://open.larksuite.com' },
      adminToken: 'a-long-enough-token',
      supervisorChatId: 'oc_abc123',
      timeZone: 'Asia/Hong_Kong',
      schedule: '30 8 * * 1-5',
      digestSchedule: '0 10 * * 5',
    });
  });

  it('takes LARK_EVENT_MODE=websocket with an app id as Lark issues them (cli_ and 16 hex digits)', () => {
    const config = readConfig({ LARK_EVENT_MODE: 'websocket', LARK_APP_ID: 'cli_a1b2c3d4e5f60718', LARK_APP_SECRET: 'secret-of-the-app' });
    expect(config.lark).toMatchObject({ eventMode: 'websocket', appId: 'cli_a1b2c3d4e5f60718' });
    // Without credentials it runs against the sandbox, which issues such an id itself.
    expect(readConfig({ LARK_EVENT_MODE: 'websocket' }).lark.eventMode).toBe('websocket');
  });

  it('puts the sandbox on SANDBOX_PORT, else PORT + 1 (a free port when PORT is 0)', () => {
    expect(readConfig({}).sandboxPort).toBe(3001);
    expect(readConfig({ PORT: '8080' }).sandboxPort).toBe(8081);
    expect(readConfig({ PORT: '8080', SANDBOX_PORT: '9000' }).sandboxPort).toBe(9000);
    expect(readConfig({ PORT: '0' }).sandboxPort).toBe(0);
    expect(configError({ SANDBOX_PORT: 'x' }).message).toContain('SANDBOX_PORT');
  });

  it('accepts `off` for both schedules', () => {
    const config = readConfig({ DUBAN_SCHEDULE: 'off', DUBAN_DIGEST_SCHEDULE: 'off' });
    expect(config.schedule).toBe('off');
    expect(config.digestSchedule).toBe('off');
  });
});

describe('readConfig refuses malformed values, naming the variable', () => {
  const cases: [string, Record<string, string>, string][] = [
    ['PORT above 65535', { PORT: '70000' }, 'PORT'],
    ['PORT not a number', { PORT: 'abc' }, 'PORT'],
    ['PORT not whole', { PORT: '3.5' }, 'PORT'],
    ['PORT negative', { PORT: '-1' }, 'PORT'],
    ['LARK_BASE_URL not a URL', { LARK_BASE_URL: 'not-a-url' }, 'LARK_BASE_URL'],
    ['DUBAN_TIMEZONE unknown', { DUBAN_TIMEZONE: 'Mars/Olympus' }, 'DUBAN_TIMEZONE'],
    ['DUBAN_TIMEZONE an offset', { DUBAN_TIMEZONE: '+08:00' }, 'DUBAN_TIMEZONE'],
    ['DUBAN_SCHEDULE words', { DUBAN_SCHEDULE: 'every day' }, 'DUBAN_SCHEDULE'],
    ['DUBAN_SCHEDULE out of range', { DUBAN_SCHEDULE: '61 9 * * *' }, 'DUBAN_SCHEDULE'],
    ['DUBAN_DIGEST_SCHEDULE words', { DUBAN_DIGEST_SCHEDULE: 'weekly' }, 'DUBAN_DIGEST_SCHEDULE'],
    ['ADMIN_TOKEN too short', { ADMIN_TOKEN: 'short' }, 'ADMIN_TOKEN'],
    ['DUBAN_SUPERVISOR_CHAT_ID not oc_', { DUBAN_SUPERVISOR_CHAT_ID: 'ou_abc123' }, 'DUBAN_SUPERVISOR_CHAT_ID'],
    ['LARK_APP_SECRET without LARK_APP_ID', { LARK_APP_SECRET: 'secret-of-the-app' }, 'LARK_APP_ID'],
    ['LARK_APP_ID without LARK_APP_SECRET', { LARK_APP_ID: 'cli_a1b2c3d4e5' }, 'LARK_APP_SECRET'],
    ['LARK_APP_ID malformed', { LARK_APP_ID: 'app-123', LARK_APP_SECRET: 'secret-of-the-app' }, 'LARK_APP_ID'],
    ['DUBAN_SANDBOX unknown', { DUBAN_SANDBOX: 'maybe' }, 'DUBAN_SANDBOX'],
    ['LARK_EVENT_MODE unknown', { LARK_EVENT_MODE: 'polling' }, 'LARK_EVENT_MODE'],
    ['LARK_APP_ID the long connection refuses', { LARK_EVENT_MODE: 'websocket', LARK_APP_ID: 'cli_a1b2c3d4e5', LARK_APP_SECRET: 'secret-of-the-app' }, 'LARK_APP_ID'],
  ];

  it.each(cases)('%s', (_label, env, variable) => {
    const error = configError(env);
    expect(error.message).toContain(variable);
    expect(error.problems.some((p) => p.startsWith(`${variable} `))).toBe(true);
    // Only the bad variable is blamed.
    expect(error.problems).toHaveLength(1);
  });

  it('names every bad variable when several are wrong at once', () => {
    const error = configError({
      PORT: 'abc',
      LARK_BASE_URL: 'not-a-url',
      DUBAN_TIMEZONE: 'Mars/Olympus',
      DUBAN_SCHEDULE: 'every day',
      DUBAN_DIGEST_SCHEDULE: 'weekly',
      ADMIN_TOKEN: 'short',
      DUBAN_SUPERVISOR_CHAT_ID: 'chat-1',
    });
    const blamed = error.problems.map((p) => p.split(' ')[0]).sort();
    const expected = ['ADMIN_TOKEN', 'DUBAN_DIGEST_SCHEDULE', 'DUBAN_SCHEDULE', 'DUBAN_SUPERVISOR_CHAT_ID', 'DUBAN_TIMEZONE', 'LARK_BASE_URL', 'PORT'];
    expect(blamed).toEqual(expected);
    for (const name of expected) expect(error.message).toContain(name);
  });

  it('names a missing LARK_APP_ID / LARK_APP_SECRET pair together with other bad values', () => {
    const secretOnly = configError({ PORT: 'abc', LARK_APP_SECRET: 'secret-of-the-app' });
    expect(secretOnly.message).toContain('PORT');
    expect(secretOnly.message).toContain('LARK_APP_ID');
    const idOnly = configError({ DUBAN_TIMEZONE: 'Mars/Olympus', LARK_APP_ID: 'cli_a1b2c3d4e5' });
    expect(idOnly.message).toContain('DUBAN_TIMEZONE');
    expect(idOnly.message).toContain('LARK_APP_SECRET');
  });

  it('does not take a blank PORT as port 0 (a random port)', () => {
    let port: number | undefined;
    try {
      port = readConfig({ PORT: '   ' }).port;
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain('PORT');
      return;
    }
    expect(port).toBe(3000);
  });

  it.each(['0x10', '1e3'])('refuses PORT=%s: a port is written in decimal digits', (value) => {
    expect(configError({ PORT: value }).message).toContain('PORT');
  });
});

describe('DUBAN_SANDBOX: the sandbox never quietly replaces a Lark configuration', () => {
  const app = { LARK_APP_ID: 'cli_a1b2c3d4e5', LARK_APP_SECRET: 'secret-of-the-app' };

  it('auto (the default): the sandbox without credentials, Lark with them', () => {
    expect(readConfig({}).sandbox).toBe(true);
    expect(readConfig({ DUBAN_SANDBOX: 'auto' }).sandbox).toBe(true);
    expect(readConfig(app).sandbox).toBe(false);
  });

  it('auto: some Lark settings without the app id stop the program, naming them', () => {
    const error = configError({ LARK_ENCRYPT_KEY: 'an-encrypt-key', LARK_BASE_URL: 'https://open.larksuite.com' });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toContain('LARK_ENCRYPT_KEY, LARK_BASE_URL are set but LARK_APP_ID and LARK_APP_SECRET are not');
  });

  it('off: missing credentials stop the program, naming them', () => {
    const error = configError({ DUBAN_SANDBOX: 'off' });
    expect(error.problems).toEqual([expect.stringContaining('LARK_APP_ID and LARK_APP_SECRET are required when DUBAN_SANDBOX=off')]);
    expect(readConfig({ ...app, DUBAN_SANDBOX: 'off' }).sandbox).toBe(false);
  });

  it('on: the sandbox, and credentials given beside it are refused rather than ignored', () => {
    expect(readConfig({ DUBAN_SANDBOX: 'on', LARK_ENCRYPT_KEY: 'an-encrypt-key' }).sandbox).toBe(true);
    expect(configError({ ...app, DUBAN_SANDBOX: 'on' }).problems).toEqual([expect.stringContaining('DUBAN_SANDBOX=on runs against the built-in Lark sandbox')]);
  });
});

describe('buildRuntime with DUBAN_POLICY', () => {
  const DEFAULT_POLICY = fileURLToPath(new URL('../src/core/deadlines/policies/default.json', import.meta.url));

  function envWithPolicy(policyPath: string) {
    const dir = tempDir('duban-config-');
    return { DATABASE_PATH: join(dir, 'duban.db'), LOG_LEVEL: 'silent', DUBAN_POLICY: policyPath };
  }

  it('loads a valid policy file (control case)', () => {
    const dir = tempDir('duban-policy-');
    const path = join(dir, 'policy.json');
    copyFileSync(DEFAULT_POLICY, path);
    const runtime = buildRuntime(envWithPolicy(path));
    try {
      expect(runtime.config.policyPath).toBe(path);
      expect(runtime.policy.deadlines.answer).toEqual({ months: 3 });
    } finally {
      runtime.db.$client.close();
    }
  });

  it('stops on a missing file, naming DUBAN_POLICY and the file', () => {
    const path = join(tempDir('duban-policy-'), 'no-such-policy.json');
    const error = thrown(() => buildRuntime(envWithPolicy(path)));
    expect(error.message).toContain('DUBAN_POLICY');
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/cannot read|ENOENT|no such file/i);
  });

  it('stops on a file that is not JSON, naming DUBAN_POLICY and saying so', () => {
    const path = join(tempDir('duban-policy-'), 'broken.json');
    writeFileSync(path, '{ "id": "broken", ');
    const error = thrown(() => buildRuntime(envWithPolicy(path)));
    expect(error.message).toContain('DUBAN_POLICY');
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/not valid JSON/i);
  });

  it('stops on a policy without deadlines.answer, naming DUBAN_POLICY and the missing field', () => {
    const path = join(tempDir('duban-policy-'), 'no-answer.json');
    const policy = JSON.parse(readFileSync(DEFAULT_POLICY, 'utf8')) as { deadlines: Record<string, unknown> };
    delete policy.deadlines.answer;
    writeFileSync(path, JSON.stringify(policy));
    const error = thrown(() => buildRuntime(envWithPolicy(path)));
    expect(error.message).toContain('DUBAN_POLICY');
    expect(error.message).toContain('deadlines.answer');
  });
});

describe('HOST: the interface the server listens on', () => {
  it('is loopback unless set, and the server listens exactly there', async () => {
    expect(readConfig({}).host).toBe('127.0.0.1');
    const { startServer } = await import('../src/runtimes/node/serve.ts');
    for (const [host, address] of [[undefined, '127.0.0.1'], ['0.0.0.0', '0.0.0.0']] as const) {
      const runtime = buildRuntime({ DATABASE_PATH: join(tempDir(), 'host.db'), LOG_LEVEL: 'silent', PORT: '0', ...(host && { HOST: host }) });
      const server = await startServer(runtime);
      try {
        expect(server.address).toBe(address);
        expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      } finally {
        await server.close();
        runtime.db.$client.close();
      }
    }
  });

  it('refuses what is not an interface address, naming HOST', () => {
    expect(configError({ HOST: 'http://example.com/' }).problems).toEqual([expect.stringMatching(/^HOST must be an interface address/)]);
  });
});
