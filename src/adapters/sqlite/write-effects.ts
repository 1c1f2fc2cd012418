/**
 * Turns effect drafts into outbox rows (and card records), inside the transaction of the change
 * that caused them: either both the change and its Lark calls are stored, or neither.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { EffectDraft } from '../../core/effects.ts';
import { newId } from '../../core/ids.ts';
import type { SuggestionAggregate } from '../../core/model.ts';
import * as schema from './schema.ts';
import type { DbOrTx } from './aggregate-store.ts';
import { enqueue } from './outbox-store.ts';

/** Lark accepts at most 50 members per create or add call. */
const MEMBERS_PER_CALL = 50;

export interface EffectsContext {
  now: Date;
  supervisorChatId?: string | undefined;
}

export function writeEffects(tx: DbOrTx, agg: SuggestionAggregate, drafts: EffectDraft[], ctx: EffectsContext): void {
  const s = agg.suggestion;
  for (const draft of drafts) {
    switch (draft.type) {
      case 'create_chat': {
        const members = groupMembers(tx, agg);
        enqueue(
          tx,
          s.id,
          {
            kind: 'create_chat',
            name: truncate(`第${s.number}号 ${s.title}`, 60),
            description: `${s.session} · duban 督办`,
            memberOpenIds: members.slice(0, MEMBERS_PER_CALL),
          },
          ctx.now,
        );
        for (let i = MEMBERS_PER_CALL; i < members.length; i += MEMBERS_PER_CALL) {
          enqueue(tx, s.id, { kind: 'add_members', openIds: members.slice(i, i + MEMBERS_PER_CALL) }, ctx.now);
        }
        break;
      }
      case 'add_unit_members': {
        const openIds = unitMembers(tx, [draft.unitId]);
        if (openIds.length) enqueue(tx, s.id, { kind: 'add_members', openIds }, ctx.now);
        break;
      }
      case 'post_card': {
        const cardMessageId = newId('cd');
        tx.insert(schema.cardMessages)
          .values({ id: cardMessageId, suggestionId: s.id, kind: draft.card.kind, subjectId: draft.card.subjectId, createdAt: ctx.now.toISOString() })
          .run();
        enqueue(tx, s.id, { kind: 'send_card', cardMessageId }, ctx.now);
        break;
      }
      case 'refresh_cards': {
        const posted = tx
          .select({ id: schema.cardMessages.id })
          .from(schema.cardMessages)
          .where(and(eq(schema.cardMessages.kind, draft.card.kind), eq(schema.cardMessages.subjectId, draft.card.subjectId)))
          .all();
        for (const card of posted) enqueue(tx, s.id, { kind: 'patch_card', cardMessageId: card.id }, ctx.now);
        break;
      }
      case 'post_text': {
        const mentions = draft.mentionSupervisors ? supervisorIds(tx).map((id) => `<at user_id="${id}"></at>`).join(' ') + ' ' : '';
        enqueue(tx, s.id, { kind: 'send_text', text: `${mentions}${draft.zh}\n${draft.en}` }, ctx.now);
        break;
      }
      case 'notify_supervisors':
        if (ctx.supervisorChatId) enqueue(tx, s.id, { kind: 'send_text', chatId: ctx.supervisorChatId, text: `${draft.zh}\n${draft.en}` }, ctx.now);
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
