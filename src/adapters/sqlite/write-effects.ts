/**
 * Turns effect drafts into outbox rows (and card records), inside the transaction of the change
 * that caused them: either both the change and its Lark calls are stored, or neither.
 */
import { inArray } from 'drizzle-orm';
import type { EffectDraft } from '../../core/effects.ts';
import type { SuggestionAggregate } from '../../core/model.ts';
import * as schema from './schema.ts';
import type { DbOrTx } from './db.ts';
import { outboxWriter } from './outbox-writer.ts';

/** Lark accepts at most 50 members per create or add call. */
const MEMBERS_PER_CALL = 50;

export interface EffectsContext {
  now: Date;
  supervisorChatId?: string | undefined;
}

export function writeEffects(tx: DbOrTx, agg: SuggestionAggregate, drafts: EffectDraft[], ctx: EffectsContext): void {
  const s = agg.suggestion;
  const outbox = outboxWriter(tx);
  const enqueue = (payload: Parameters<typeof outbox.enqueue>[1]) => outbox.enqueue(s.id, payload, ctx.now);
  for (const draft of drafts) {
    switch (draft.type) {
      case 'create_chat': {
        const members = groupMembers(tx, agg);
        enqueue({
          kind: 'create_chat',
          name: truncate(`第${s.number}号 ${s.title}`, 60),
          description: `${s.session} · duban 督办`,
          memberOpenIds: members.slice(0, MEMBERS_PER_CALL),
        });
        for (let i = MEMBERS_PER_CALL; i < members.length; i += MEMBERS_PER_CALL) {
          enqueue({ kind: 'add_members', openIds: members.slice(i, i + MEMBERS_PER_CALL) });
        }
        break;
      }
      case 'add_unit_members': {
        const openIds = unitMembers(tx, [draft.unitId]);
        if (openIds.length) enqueue({ kind: 'add_members', openIds });
        break;
      }
      case 'post_card':
        outbox.postCard({ suggestionId: s.id, ...draft.card }, ctx.now);
        break;
      case 'refresh_cards':
        outbox.refreshCards(s.id, draft.card, ctx.now);
        break;
      case 'post_text': {
        const mentions = draft.mentionSupervisors ? supervisorIds(tx).map((id) => `<at user_id="${id}"></at>`).join(' ') + ' ' : '';
        enqueue({ kind: 'send_text', text: `${mentions}${draft.zh}\n${draft.en}` });
        break;
      }
      case 'notify_supervisors':
        if (ctx.supervisorChatId) enqueue({ kind: 'send_text', chatId: ctx.supervisorChatId, text: `${draft.zh}\n${draft.en}` });
        break;
    }
  }
}

function supervisorIds(tx: DbOrTx): string[] {
  return tx.select().from(schema.supervisors).all().map((r) => r.openId);
}

function unitMembers(tx: DbOrTx, unitIds: string[]): string[] {
  if (unitIds.length === 0) return [];
  const rows = tx.select().from(schema.unitMembers).where(inArray(schema.unitMembers.unitId, unitIds)).all();
  // Heads first, then liaisons: the order people see in the member list.
  return [...new Set([...rows.filter((r) => r.role === 'head'), ...rows.filter((r) => r.role === 'liaison')].map((r) => r.openId))];
}

/** Deputies, the live units' heads and liaisons, and the supervisors (SPEC §1). */
function groupMembers(tx: DbOrTx, agg: SuggestionAggregate): string[] {
  const units = [...new Set(agg.assignments.filter((a) => a.state !== 'withdrawn').map((a) => a.unitId))];
  return [...new Set([...agg.deputies.map((d) => d.openId), ...unitMembers(tx, units), ...supervisorIds(tx)])];
}

function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
