#!/usr/bin/env node
// The `duban` command. The sources are TypeScript run through tsx, so there is no build step
// between a checkout and a working CLI.
import { setPriority } from 'node:os';
import { register } from 'tsx/esm/api';

// Every command but a server runs at a lower CPU priority than the server. A server on the same
// machine must answer Lark's webhook within 3 s, while `duban import suggestions` (which hands
// its rows to that server), a report or a sweep from the shell is batch work that can wait for a
// core: starting the CLI alone takes about 2 s of CPU, which a 2-core machine took from the
// webhook (issue 11). Set before tsx starts its loader thread, which inherits it (on Linux a
// nice value belongs to each thread).
const RUNS_A_SERVER = new Set(['serve', 'demo']);
const CLI_NICENESS = 10;
if (!RUNS_A_SERVER.has(process.argv[2] ?? '')) {
  try {
    setPriority(CLI_NICENESS);
  } catch {
    // Not allowed here (some containers): the command runs all the same, at the usual priority.
  }
}

register();
await import('../src/runtimes/node/cli.ts');
