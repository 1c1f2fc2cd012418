import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [
    {
      // wrangler.toml's Text rule, for tests that import the Worker's bundled migrations.
      name: 'sql-as-text',
      transform: (code, id) => (id.endsWith('.sql') ? { code: `export default ${JSON.stringify(code)};`, map: null } : undefined),
    },
  ],
  test: {
    include: ['test/**/*.test.ts'],
    // CLI tests spawn real processes and import real files; give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
