// The report thread's first module (report-thread.ts starts it). The sources are TypeScript run
// through tsx, and a new thread does not inherit the loader its process registered: this
// registers tsx in the thread as bin/duban.js does in the process, then loads the worker.
import { setPriority } from 'node:os';
import { register } from 'tsx/esm/api';

// A report is batch work beside a server that must answer Lark's webhook within 3 s: on a machine
// short of cores, this thread gives way to the server's. On Linux a nice value belongs to each
// thread, so this lowers this thread only (and tsx's loader thread, started after it), as
// bin/duban.js lowers the CLI's. Elsewhere it would lower the whole server: left alone there.
const REPORT_NICENESS = 10;
if (process.platform === 'linux') {
  try {
    setPriority(REPORT_NICENESS);
  } catch {
    // Not allowed here (some containers): reports run all the same, at the server's priority.
  }
}

register();
await import('./report-worker.ts');
