/**
 * The weekly digest card (SPEC §4) for the supervisors' group: counts, the overdue list by unit,
 * the key-supervised items with their leaders, this month's commitments, and a chart of open items by unit and light (a Lark card `chart`
 * element, VChart spec). Built in code: it is one card with no buttons, unlike the templated
 * cards of the group.
 */
import type { Bilingual, DigestKeyItem, DigestModel } from '../card-model.ts';
import type { JsonObject, LarkCard } from '../engine/card-json.ts';
import { clip, escapeMarkdown, mentionOrName, oneLine } from '../engine/card-text.ts';

/** A title or a commitment in a list line: one line, clipped, so a long import cannot push the digest past Lark's 30 KB. */
const short = (text: string, max: number): string => escapeMarkdown(clip(oneLine(text), max));

const LIGHT_ZH = { blue: '正常', yellow: '临期', red: '逾期' } as const;
const LIGHT_COLOR = { blue: '#3370ff', yellow: '#ffc60a', red: '#f54a45' } as const;
/** Lists are cut so the card stays far below Lark's 30 KB. */
const MAX_UNITS = 15;
const MAX_ITEMS_PER_UNIT = 8;
const MAX_COMMITMENTS = 20;

const md = (zh: string, en: string): JsonObject => ({ tag: 'markdown', content: zh, i18n_content: { zh_cn: zh, en_us: en } });
const i18n = (b: Bilingual): JsonObject => ({ zh_cn: b.zh_cn, en_us: b.en_us });
const plain = (b: Bilingual): JsonObject => ({ tag: 'plain_text', content: b.zh_cn, i18n_content: i18n(b) });

const MAX_KEY_ITEMS = 30;

/** 重点督办: every open key item with its leader (@ when a Lark user: the leader sees it in the digest, SPEC §1). */
function keySection(items: DigestKeyItem[]): JsonObject[] {
  const head = md(`**重点督办事项**（${items.length} 件）`, `**Key supervision** (${items.length})`);
  if (items.length === 0) return [{ tag: 'hr' }, head, md('无在办的重点督办事项。', 'No open key-supervised suggestions.')];
  const leader = (i: DigestKeyItem, none: string) => (i.leader ? mentionOrName(i.leader, 20) : none);
  const shown = items.slice(0, MAX_KEY_ITEMS);
  const zh = shown.map((i) => {
    const state = i.overdue > 0 ? `<font color='red'>逾期 ${i.overdue} 项</font>` : `${LIGHT_ZH[i.light]}`;
    const next = i.next ? `，下一期限 ${i.next.deadline.zh_cn} ${i.next.dueOn}` : '';
    return `- 第${short(i.number, 20)}号 ${short(i.title, 40)}｜督办领导 ${leader(i, '未指定')}｜${short(i.units.join('、') || '—', 40)}｜${state}${next}`;
  });
  const en = shown.map((i) => {
    const state = i.overdue > 0 ? `<font color='red'>${i.overdue} overdue</font>` : i.light;
    const next = i.next ? `, next ${i.next.deadline.en_us} ${i.next.dueOn}` : '';
    return `- No. ${short(i.number, 20)} | leader ${leader(i, 'not named')} | ${short(i.units.join(', ') || '—', 40)} | ${state}${next}`;
  });
  if (items.length > MAX_KEY_ITEMS) {
    zh.push(`- …及其他 ${items.length - MAX_KEY_ITEMS} 件`);
    en.push(`- … and ${items.length - MAX_KEY_ITEMS} more`);
  }
  return [{ tag: 'hr' }, head, md(zh.join('\n'), en.join('\n'))];
}

export function renderDigestCard(model: DigestModel): LarkCard {
  const s = model.suggestions;
  const overdueTotal = model.overdueByUnit.reduce((n, u) => n + u.items.length, 0);
  const elements: JsonObject[] = [
    ...(model.notices ?? []).map((n) => md(`<font color='red'>**提示**</font>：${escapeMarkdown(n.zh_cn)}`, `<font color='red'>**Notice**</font>: ${escapeMarkdown(n.en_us)}`)),
    md(
      `**建议总体情况**：在办 ${s.open} 件，已办结 ${s.closed} 件，已撤回 ${s.withdrawn} 件；逾期事项 ${overdueTotal} 项。`,
      `**Overview**: ${s.open} open, ${s.closed} closed, ${s.withdrawn} withdrawn; ${overdueTotal} overdue items.`,
    ),
    md(
      `**承办状态**：${model.byState.map((x) => `${x.label.zh_cn} ${x.count}`).join('，') || '无'}`,
      `**Assignments by state**: ${model.byState.map((x) => `${x.label.en_us} ${x.count}`).join(', ') || 'none'}`,
    ),
    { tag: 'hr' },
    md('**逾期事项（按单位）**', '**Overdue items by unit**'),
  ];
  if (model.overdueByUnit.length === 0) elements.push(md('无逾期事项。', 'Nothing is overdue.'));
  for (const unit of model.overdueByUnit.slice(0, MAX_UNITS)) {
    const lines = unit.items
      .slice(0, MAX_ITEMS_PER_UNIT)
      .map((i) => `- 第${short(i.number, 20)}号 ${short(i.title, 60)}：${i.deadline.zh_cn}逾期 ${i.workingDaysOverdue} 个工作日`);
    if (unit.items.length > MAX_ITEMS_PER_UNIT) lines.push(`- …及其他 ${unit.items.length - MAX_ITEMS_PER_UNIT} 项`);
    const en = unit.items.slice(0, MAX_ITEMS_PER_UNIT).map((i) => `- No. ${escapeMarkdown(i.number)}: ${i.deadline.en_us} ${i.workingDaysOverdue} working days overdue`);
    elements.push(md(`**${escapeMarkdown(unit.unitName)}**（${unit.items.length} 项）\n${lines.join('\n')}`, `**${escapeMarkdown(unit.unitName)}** (${unit.items.length})\n${en.join('\n')}`));
  }
  if (model.overdueByUnit.length > MAX_UNITS) elements.push(md(`…及其他 ${model.overdueByUnit.length - MAX_UNITS} 个单位`, `… and ${model.overdueByUnit.length - MAX_UNITS} more units`));
  if (model.keyItems) elements.push(...keySection(model.keyItems));
  elements.push({ tag: 'hr' }, md('**本月到期的承诺事项**', '**Commitments due this month**'));
  const commitments = model.commitmentsDueThisMonth.slice(0, MAX_COMMITMENTS);
  elements.push(
    commitments.length
      ? md(
          commitments.map((c) => `- ${c.dueOn} 第${short(c.number, 20)}号 ${short(c.unitName, 40)}：${short(c.content, 80)}${c.overdue ? '（已逾期）' : ''}`).join('\n'),
          commitments.map((c) => `- ${c.dueOn} No. ${escapeMarkdown(c.number)} ${escapeMarkdown(c.unitName)}${c.overdue ? ' (overdue)' : ''}`).join('\n'),
        )
      : md('本月没有到期的承诺事项。', 'No commitments are due this month.'),
  );
  if (model.interimByUnit) {
    // Monthly: open interim (闭会) items by unit with their next deadline. Titles only, as everywhere in the supervisors' group.
    elements.push({ tag: 'hr' }, md('**闭会期间建议（月度督办）**', '**Interim suggestions (monthly review)**'));
    if (model.interimByUnit.length === 0) elements.push(md('无在办的闭会期间建议。', 'No open interim suggestions.'));
    for (const unit of model.interimByUnit.slice(0, MAX_UNITS)) {
      const items = unit.items.slice(0, MAX_ITEMS_PER_UNIT);
      const zh = items.map((i) => `- 第${escapeMarkdown(i.number)}号 ${escapeMarkdown(i.title)}：${i.next ? `下一期限 ${i.next.deadline.zh_cn} ${i.next.dueOn}` : '无在办期限'}`);
      const en = items.map((i) => `- No. ${escapeMarkdown(i.number)}: ${i.next ? `next ${i.next.deadline.en_us} ${i.next.dueOn}` : 'no open deadline'}`);
      if (unit.items.length > MAX_ITEMS_PER_UNIT) zh.push(`- …及其他 ${unit.items.length - MAX_ITEMS_PER_UNIT} 项`);
      elements.push(md(`**${escapeMarkdown(unit.unitName)}**（${unit.items.length} 件）\n${zh.join('\n')}`, `**${escapeMarkdown(unit.unitName)}** (${unit.items.length})\n${en.join('\n')}`));
    }
    if (model.interimByUnit.length > MAX_UNITS) elements.push(md(`…及其他 ${model.interimByUnit.length - MAX_UNITS} 个单位`, `… and ${model.interimByUnit.length - MAX_UNITS} more units`));
  }
  if (model.chart.length) {
    elements.push({ tag: 'hr' }, md('**各单位在办事项（按灯色）**', '**Open items by unit and light**'), {
      tag: 'chart',
      aspect_ratio: '4:3',
      chart_spec: {
        type: 'bar',
        data: { values: model.chart.map((c) => ({ unit: c.unitName, light: LIGHT_ZH[c.light], count: c.count })) },
        xField: 'unit',
        yField: 'count',
        seriesField: 'light',
        stack: true,
        color: { type: 'ordinal', domain: Object.values(LIGHT_ZH), range: Object.values(LIGHT_COLOR) },
        legends: { visible: true, orient: 'bottom' },
      },
    });
  }
  const title = { zh_cn: `督办周报 · ${model.today}`, en_us: `Weekly supervision digest · ${model.today}` };
  return {
    schema: '2.0',
    config: { update_multi: true, locales: ['zh_cn', 'en_us'], summary: { content: title.zh_cn, i18n_content: i18n(title) } },
    header: { title: plain(title), template: overdueTotal > 0 ? 'red' : 'blue' },
    body: { direction: 'vertical', elements },
  };
}
