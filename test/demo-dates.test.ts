/**
 * `duban demo` dates its suggestions relative to today in the configured zone (Asia/Shanghai by
 * default), whatever the hour: run five minutes after local midnight, today's suggestions are
 * dated today, not yesterday, and nothing is dated in the future. (Found by the browser test
 * running at 00:05 Beijing time.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_FRESH, runDemo } from '../src/app/demo.ts';
import { parseDirectory } from '../src/app/import/read-directory.ts';
import { buildRuntime } from '../src/runtimes/node/build-runtime.ts';
import { readTable } from '../src/transports/cli/read-table.ts';
import { tempDir } from './support/world.ts';

describe('duban demo at any hour', () => {
  for (const [at, today] of [
    ['2026-12-02T16:05:00Z', '2026-12-03'], // 00:05 in Beijing
    ['2026-12-02T15:59:00Z', '2026-12-02'], // 23:59
    ['2026-12-02T02:00:00Z', '2026-12-02'], // 10:00
  ] as const) {
    it(`at ${at}: today's suggestions are dated ${today}, none later`, async () => {
      const now = new Date(at);
      const runtime = buildRuntime({ DATABASE_PATH: join(tempDir('duban-demo-'), 'duban.db'), LOG_LEVEL: 'silent' }, () => now);
      try {
        const directory = parseDirectory(readFileSync(new URL('../demo/directory.yaml', import.meta.url), 'utf8'));
        const rows = await readTable(readFileSync(new URL('../demo/suggestions.csv', import.meta.url)), 'csv');
        const result = runDemo(runtime, directory, rows);
        expect(result.today).toBe(today);
        const assigned = runtime.db.$client.prepare('select number, assigned_on as on_ from suggestions').all() as Array<{ number: string; on_: string }>;
        expect(assigned.filter((s) => DEMO_FRESH.includes(s.number)).map((s) => s.on_)).toEqual(DEMO_FRESH.map(() => today));
        expect(assigned.filter((s) => s.on_ > today)).toEqual([]);
        const latest = runtime.db.$client.prepare('select max(at) as at from audit_log').get() as { at: string };
        expect(latest.at <= now.toISOString()).toBe(true);
      } finally {
        runtime.db.$client.close();
      }
    });
  }
});
