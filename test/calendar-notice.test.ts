/**
 * A year ends (SPEC §4): the holiday data (chinese-days) covers 2026 but not 2027. From 1 November,
 * while next year is covered neither by the package nor by the override file, GET /healthz, the
 * startup log and the weekly digest say that its deadlines use the statutory fallback.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeContext, loadRules } from '../src/app/compose-context.ts';
import { readConfig } from '../src/app/config.ts';
import { buildDigest } from '../src/app/digest.ts';
import { renderDigestCard } from '../src/adapters/cards/render-card.ts';
import { nextYearCalendarNotice } from '../src/core/calendar/year-end-notice.ts';
import { createWorkingDayCalendar, loadCalendarOverrides } from '../src/core/calendar/working-day-calendar.ts';
import type { Logger } from '../src/adapters/logger.ts';
import { startTestServer } from './support/server.ts';
import { freshDb, tempDir } from './support/world.ts';

const official = createWorkingDayCalendar();
const covering2027 = createWorkingDayCalendar({ overrides: loadCalendarOverrides({ days: { '2027-02-08': { working: false, name: '春节' } }, covers: [2027] }) });

describe('the notice that next year’s holiday schedule is missing', () => {
  it('appears from 1 November while next year is not covered, naming the year', () => {
    expect(nextYearCalendarNotice(official, '2026-10-31')).toBeUndefined();
    expect(nextYearCalendarNotice(official, '2026-11-01')).toMatchObject({ year: 2027, zh_cn: expect.stringContaining('2027 年国务院放假安排尚未载入') });
    expect(nextYearCalendarNotice(official, '2026-12-31')?.en_us).toContain('docs/calendar.md');
    // 2026 is in the package: nothing to say in November 2025.
    expect(nextYearCalendarNotice(official, '2025-11-15')).toBeUndefined();
  });

  it('goes away once the override file gives next year whole (`covers`), and deadlines in it are no longer a fallback', () => {
    expect(nextYearCalendarNotice(covering2027, '2026-11-20')).toBeUndefined();
    expect(covering2027.yearSource(2027)).toBe('override');
    expect(official.yearSource(2027)).toBe('statutory_fallback');
    // A local extra day off alone does not make the year complete.
    const oneDay = createWorkingDayCalendar({ overrides: loadCalendarOverrides({ days: { '2027-06-10': { working: false, name: '防汛停工' } } }) });
    expect(nextYearCalendarNotice(oneDay, '2026-11-20')?.year).toBe(2027);
  });

  it('is in GET /healthz (which stays ok) from 1 November, and not before', async () => {
    const t = await startTestServer({}, '2026-10-31T02:00:00Z');
    try {
      expect((await t.json('GET', '/healthz')).body).toEqual({ ok: true, version: expect.any(String), db: 'ok', lark: { mode: 'webhook' } });
      t.setNow('2026-11-02T02:00:00Z');
      const res = await t.json('GET', '/healthz');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ ok: true, db: 'ok', calendar: { notice: { year: 2027 } } });
    } finally {
      await t.close();
    }
  });

  it('is written to the log when duban starts', () => {
    const warnings: Array<{ fields: unknown; message: string | undefined }> = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (fields: unknown, message?: string) => warnings.push({ fields, message }) } as unknown as Logger;
    const config = readConfig({ DATABASE_PATH: join(tempDir(), 'x.db') });
    composeContext({ config, rules: loadRules(config, () => ({})), db: freshDb().db, clock: () => new Date('2026-11-16T01:00:00Z'), logger });
    expect(warnings).toEqual([{ fields: expect.objectContaining({ year: 2027 }), message: 'holiday schedule missing for next year' }]);
  });

  it('heads the weekly digest', () => {
    const { db } = freshDb();
    const base = { db, policy: loadRules(readConfig({}), () => ({})).policy, config: readConfig({}) };
    const missing = renderDigestCard(buildDigest({ ...base, calendar: official }, new Date('2026-11-16T01:00:00Z')));
    expect(JSON.stringify(missing.body)).toContain('2027 年国务院放假安排尚未载入');
    const complete = renderDigestCard(buildDigest({ ...base, calendar: covering2027 }, new Date('2026-11-16T01:00:00Z')));
    expect(JSON.stringify(complete.body)).not.toContain('放假安排尚未载入');
  });
});
