/**
 * `npm run workers:dev` as an operator runs it, in a child process: the Worker under `wrangler dev`
 * with the same variables as `npm start`. The child leads its own process group (npm, tsx,
 * wrangler and workerd all in it), so the group can be stopped, or killed as a crash would, with
 * nothing left behind. Groups still running when the test process exits are killed then.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { PROJECT_ROOT } from './cli.ts';

export interface WorkersDev {
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything it printed so far (for failure messages). */
  output(): string;
  /** Signals the whole process group and waits until none of it is left (SIGKILL after 10 s). */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const running = new Set<number>();
process.once('exit', () => {
  for (const group of running) signalGroup(group, 'SIGKILL');
});

function signalGroup(group: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-group, signal);
    return true;
  } catch {
    return false; // no process left in the group
  }
}

/** Whether any process of the group is alive (a zombie waiting to be reaped is not). */
function groupAlive(group: number): boolean {
  if (!existsSync('/proc/self/stat')) return signalGroup(group, 0);
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // pid (comm) state ppid pgrp …; comm may hold spaces and parentheses.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === group && state !== 'Z') return true;
  }
  return false;
}

/** The test runner's configuration must not leak into the Worker's. */
function childEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (/^(LARK_|DUBAN_|SANDBOX_PORT$|PORT$|ADMIN_TOKEN$|DATABASE_PATH$|LOG_LEVEL$)/.test(name)) delete env[name];
  }
  return { ...env, ...vars };
}

/** Starts `npm run workers:dev` with these variables (PORT, DATABASE_PATH, LARK_*, …) and waits until it listens. */
export function startWorkersDev(vars: Record<string, string>, timeoutMs = 90_000): Promise<WorkersDev> {
  const child = spawn('npm', ['run', 'workers:dev'], { cwd: PROJECT_ROOT, env: childEnv(vars), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const group = child.pid!;
  running.add(group);
  let printed = '';
  const output = () => printed;

  const kill = async (signal: NodeJS.Signals = 'SIGTERM') => {
    signalGroup(group, signal);
    const until = Date.now() + 10_000;
    while (groupAlive(group)) {
      if (Date.now() > until) signalGroup(group, 'SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    running.delete(group);
  };

  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (why: string) => {
      settled = true;
      clearTimeout(timer);
      void kill('SIGKILL').then(() => reject(new Error(`npm run workers:dev ${why}:\n${printed}`)));
    };
    const timer = setTimeout(() => fail(`did not listen within ${timeoutMs} ms`), timeoutMs);
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => fail(`exited (code ${code}, signal ${signal}) before it listened`);
    child.once('exit', onExit);
    for (const stream of [child.stdout!, child.stderr!]) {
      stream.setEncoding('utf8').on('data', (chunk: string) => {
        printed += chunk;
        const listening = /listening on (http:\/\/[\d.]+:(\d+))/.exec(printed);
        if (listening && !settled) {
          settled = true;
          clearTimeout(timer);
          child.off('exit', onExit);
          resolve({ url: listening[1]!, port: Number(listening[2]), child, output, kill });
        }
      });
    }
  });
}
