/**
 * The blocks several suggestion cards share, on top of the template primitives: the suggestion
 * summary, deadlines and days left, the answer with its commitments, and the redaction of a
 * classified suggestion's user text. Each card kind builds with one of these.
 */
import type { CardAnswer, CardCommitment, CardDeadline, CardSuggestion } from '../card-model.ts';
import type { Limits } from '../engine/card-budget.ts';
import type { JsonObject } from '../engine/card-json.ts';
import { clip, escapeMarkdownLine, oneLine } from '../engine/card-text.ts';
import { TemplateBuilder } from '../engine/template-builder.ts';
import type { TemplateFile } from '../engine/template-file.ts';
import { flatten, raw, type Lang, type Raw, type Vars } from '../engine/template-values.ts';

/**
 * The builder of one card: the suggestion's values (its fields, and "v" for the buttons) plus
 * those `cardVars` returns. Many of those are fragments (labels, escaped or redacted user text)
 * that take a builder to make, so `cardVars` gets one over the suggestion's values. `pre` reads
 * the very `suggestionVars` object, so what cardVars flattens into it, `pre` sees too.
 */
export function cardBuilder(
  template: TemplateFile,
  limits: Limits,
  s: CardSuggestion,
  cardVars: (pre: CardBuilder, suggestionVars: Vars) => Vars,
): CardBuilder {
  const vars = flatten('suggestion', s, { v: s.version });
  const pre = new CardBuilder(template, limits, vars);
  return new CardBuilder(template, limits, cardVars(pre, vars));
}

export class CardBuilder extends TemplateBuilder {
  suggestion(s: CardSuggestion, short = false): JsonObject[] {
    const lines = [
      this.text('sTitle'),
      this.text('sMeta', { kind: this.label('kind', s.kind), timing: this.label('timing', s.timing) }),
    ];
    if (!short && !s.classified) {
      if (s.category.trim()) lines.push(this.text('sCategory'));
      const lead = s.deputies.filter((d) => d.role === 'lead').map((d) => d.name);
      const co = s.deputies.filter((d) => d.role === 'co').map((d) => d.name);
      if (lead.length) lines.push(this.text('sLead', { names: this.names(lead) }));
      if (co.length) lines.push(this.text('sCo', { names: this.names(co) }));
    }
    if (!short) lines.push(this.text('sAssignedOn'));
    if (s.key) lines.push(this.text(s.keyLeader ? 'sKey' : 'sKeyNoLeader'));
    if (s.classified) lines.push(this.text('sClassified'));
    return [this.markdown(lines)];
  }

  private names(names: string[]): Raw {
    const max = this.limits.lines;
    const shown = names.slice(0, max).map((n) => escapeMarkdownLine(clip(oneLine(n), 40)));
    const sep = this.label('separator', 'list').raw;
    const more = names.length > max ? this.text('more', { n: names.length - max }).raw : null;
    const join = (lang: Lang) => shown.join(sep[lang]) + (more ? ` ${more[lang]}` : '');
    return raw({ zh_cn: join('zh_cn'), en_us: join('en_us') });
  }

  /**
   * Calendar days before the due date; past it, calendar days too, and the working days among
   * them when those differ, since the reminders and escalations count working days.
   */
  days(d: { daysLeft: number; workingDaysOverdue?: number | undefined }): Raw {
    if (d.daysLeft > 1) return this.text('daysLeft', { n: d.daysLeft });
    if (d.daysLeft === 1) return this.text('dayLeft');
    if (d.daysLeft === 0) return this.text('dueToday');
    const overdue = -d.daysLeft;
    const key = overdue === 1 ? 'overdueByOne' : 'overdueBy';
    if (d.workingDaysOverdue === undefined || d.workingDaysOverdue === overdue) return this.text(key, { n: overdue });
    return this.text(`${key}WithWorking`, { n: overdue, w: d.workingDaysOverdue });
  }

  deadline(d: CardDeadline | null): Raw {
    if (!d) return this.text('noDeadline');
    return this.text('deadline', { label: d.label, due: d.due, light: this.label('light', d.light), days: this.days(d) });
  }

  /** The user text of a classified suggestion is never posted (SPEC §5). */
  content(s: CardSuggestion, text: string, max: number): Raw {
    return s.classified ? this.text('redacted') : this.inline(text, max);
  }

  commitmentVars(s: CardSuggestion, c: CardCommitment): Vars {
    const open = c.state === 'proposed' || c.state === 'confirmed' || c.state === 'done_claimed';
    return {
      ...flatten('commitment', c, {}),
      content: this.content(s, c.content, this.limits.text),
      state: this.label('commitmentState', c.state),
      overdue: c.overdue && open ? this.text('overdueTag') : raw(''),
    };
  }

  /** The answer as shown on the approval and answer cards. */
  answer(s: CardSuggestion, a: CardAnswer): JsonObject[] {
    const lines = [this.text('answerUnit'), this.text('answerClass', { resultClass: this.label('resultClass', a.resultClass) })];
    lines.push(
      a.public
        ? this.text('answerPublic')
        : this.text('answerPrivate', { reason: this.content(s, a.privateReason ?? '—', this.limits.note) }),
    );
    lines.push(this.text('answerSummary'));
    const out = [this.markdown(lines)];
    out.push(s.classified ? this.markdown([this.text('redacted')]) : this.userText(a.summary, this.limits.summary));
    out.push(
      this.headedList(a.commitments, 'noCommitments', 'answerCommitments', (c) => this.text('answerCommitment', this.commitmentVars(s, c))),
    );
    return out;
  }
}
