/** Shared helpers for the benchmarks: free ports, child processes, formatting. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Starts a child process and resolves once it prints a line matching `ready`. */
export function startChild(args: string[], env: Record<string, string>, ready: RegExp): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) {
        child.stdout!.off('data', onData);
        resolve(child);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}:\n${output}`)));
    setTimeout(() => reject(new Error(`${args.join(' ')} did not start:\n${output}`)), 30_000).unref();
  });
}

export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}

export const fmt = (n: number, digits = 1) => n.toFixed(digits);

/** A measured number (or a yes/no) of a bench run, by name: what `--compare` lines up. */
export type Metric = number | boolean | string;
const recorded = new Map<string, Record<string, Metric>>();

/**
 * Keeps the numbers a bench wants compared across runs; bench/run.ts writes them, with whether the
 * bench met its targets, to bench/results/<bench>-<timestamp>.json.
 */
export function record(bench: string, metrics: Record<string, Metric>): void {
  recorded.set(bench, { ...recorded.get(bench), ...metrics });
}

export const recordedMetrics = (bench: string): Record<string, Metric> => recorded.get(bench) ?? {};
