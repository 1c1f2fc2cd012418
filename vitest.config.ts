import { defineConfig } from 'vitest/config';

/** Tests that only make sense against the Workers runtime (`npm run workers:dev`). */
const WORKERS_ONLY = ['test/workers-runtime.test.ts'];

export default defineConfig({
  plugins: [
    {
      // wrangler.toml's Text rule, for tests that import the Worker's bundled migrations.
      name: 'sql-as-text',
      transform: (code, id) => (id.endsWith('.sql') ? { code: `export default ${JSON.stringify(code)};`, map: null } : undefined),
    },
  ],
  test: {
    // CLI tests spawn real processes and import real files; give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'node', include: ['test/**/*.test.ts'], exclude: WORKERS_ONLY },
      },
      {
        // The same end-to-end stories and refusals against the Worker under `wrangler dev`
        // (test/support/lark-world.ts reads DUBAN_E2E_RUNTIME), and the Workers-only tests.
        extends: true,
        test: {
          name: 'workers',
          include: ['test/e2e-lark.test.ts', 'test/webhook-parity.test.ts', ...WORKERS_ONLY],
          env: { DUBAN_E2E_RUNTIME: 'workers' },
        },
      },
      {
        // The end-to-end story once more, its events and card presses over Lark's long connection
        // (LARK_EVENT_MODE=websocket) instead of the webhook: test/support/lark-world.ts reads this.
        extends: true,
        test: { name: 'websocket', include: ['test/e2e-lark.test.ts'], env: { DUBAN_TEST_LARK_EVENT_MODE: 'websocket' } },
      },
    ],
  },
});
