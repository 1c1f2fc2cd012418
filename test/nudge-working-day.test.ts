/**
 * 催办 counts once per deputy, suggestion and working day (issue 12 point 1): presses over a
 * weekend count for the Monday the units will read them on, so Saturday, Sunday and Monday are one
 * nudge; Tuesday is a new one. The second press of a working day is refused, audited, nothing kept.
 */
import { describe, expect, it } from 'vitest';
import { sampleWorld } from './support/world.ts';

describe('催办 once per working day', () => {
  it('Saturday, Sunday and Monday are one working day; Tuesday counts again', async () => {
    const w = await sampleWorld('2026-02-10T01:00:00Z');
    const presser = w.aggregate('0002').deputies.find((d) => d.role === 'lead')!.openId;
    const nudge = { type: 'nudge' as const, suggestionId: w.suggestionId('0002') };

    w.setNow('2026-03-07T02:00:00Z'); // Saturday 10:00 in Beijing
    w.act(presser, nudge);
    expect(w.aggregate('0002').nudges.map((n) => n.day)).toEqual(['2026-03-09']);

    w.setNow('2026-03-08T02:00:00Z'); // Sunday
    w.expectRefused('0002', presser, nudge, 'conflict', '每个工作日只计一次（计入 2026-03-09）');
    w.setNow('2026-03-09T02:00:00Z'); // Monday
    w.expectRefused('0002', presser, nudge, 'conflict', '计入 2026-03-09');

    w.setNow('2026-03-10T02:00:00Z'); // Tuesday
    w.act(presser, nudge);
    expect(w.aggregate('0002').nudges.map((n) => n.day)).toEqual(['2026-03-09', '2026-03-10']);
  });
});
