// The report thread's first module (report-thread.ts starts it). The sources are TypeScript run
// through tsx, and a new thread does not inherit the loader its process registered: this
// registers tsx in the thread as bin/duban.js does in the process, then loads the worker.
import { register } from 'tsx/esm/api';

register();
await import('./report-worker.ts');
