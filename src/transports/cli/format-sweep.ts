/** A sweep's result as lines a person reads: what was (or would be) sent, to whom, and why. */
import type { SweepResult } from '../../app/sweep.ts';

export function formatSweep(result: SweepResult): string {
  const head = `${result.dryRun ? '预演 Dry run' : '已提醒 Sent'}: ${result.today}${result.workingDay ? '' : '（休息日 rest day）'} — ${result.reminders.length} reminders, ${result.lights.length} boards to recolour, ${result.cards.refreshed.length} cards to re-post`;
  const lines = result.reminders.map(
    (r) =>
      `  第${r.number}号 ${r.unitId} ${r.why.zh_cn} → @${r.recipients.length} 人${r.urgent ? `，加急(${r.urgent.channel})` : ''}${r.toSupervisors ? '，督办群' : ''}  [${r.key}]`,
  );
  const lights = result.lights.map((l) => `  看板 board ${l.suggestionId}: ${l.from ?? '—'} → ${l.to}`);
  const cards = result.cards.refreshed.map(
    (r) => `  卡片重发 card ${r.reposted ? 're-posted' : 'replaced by a newer copy'}: ${r.kind} ${r.subjectId} (${r.suggestionId}) ← ${r.replaces.join(', ')}`,
  );
  return [head, ...lines, ...lights, ...cards].join('\n');
}
