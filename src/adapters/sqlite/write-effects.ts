/**
 * Turns effect drafts into outbox rows (and card records), inside the transaction of the change
 * that caused them: either both the change and its Lark calls are stored, or neither.
 */
import type { EffectDraft } from '../../core/effects.ts';
import type { DirectoryFacts } from '../../core/group-members.ts';
import type { SuggestionAggregate } from '../../core/model.ts';
import { stripInvisible } from '../../core/outbound-text.ts';
import * as schema from './schema.ts';
import type { DbOrTx } from './db.ts';
import { followPeopleChange, initialMembers, MEMBERS_PER_CALL, queueMemberChanges } from './group-membership.ts';
import { outboxWriter, type OutboxWriter } from './outbox-writer.ts';

export interface EffectsContext {
  now: Date;
  supervisorChatId?: string | undefined;
  /** The aggregate before the change: what `follow_members` compares with. */
  previous?: SuggestionAggregate | undefined;
  /** Where the calls go (the connection's writer if absent): the import gathers a slice's calls. */
  outbox?: OutboxWriter | undefined;
  /** Who is who, when the caller has read it already (the import, once per slice). */
  directory?: DirectoryFacts | undefined;
}

export function writeEffects(tx: DbOrTx, agg: SuggestionAggregate, drafts: EffectDraft[], ctx: EffectsContext): void {
  const s = agg.suggestion;
  const outbox = ctx.outbox ?? outboxWriter(tx);
  const enqueue = (payload: Parameters<typeof outbox.enqueue>[1]) => outbox.enqueue(s.id, payload, ctx.now);
  for (const draft of drafts) {
    switch (draft.type) {
      case 'create_chat': {
        const members = initialMembers(tx, agg, ctx.directory);
        enqueue({
          kind: 'create_chat',
          // A chat name is plain text to Lark; what only hides or reorders text is dropped all the same.
          name: truncate(oneLine(`第${s.number}号 ${s.title}`), 60),
          description: `${truncate(oneLine(s.session), 40)} · duban 督办`,
          memberOpenIds: members.slice(0, MEMBERS_PER_CALL),
        });
        // Lark creates a chat with at most 50 people; the rest join right after.
        queueMemberChanges(tx, s.id, { add: members.slice(MEMBERS_PER_CALL), remove: [] }, ctx.now, outbox);
        break;
      }
      case 'follow_members':
        if (ctx.previous) followPeopleChange(tx, ctx.previous, agg, ctx.now);
        break;
      case 'post_card':
        if (!draft.toSupervisors) outbox.postCard({ suggestionId: s.id, ...draft.card }, ctx.now);
        else if (ctx.supervisorChatId) outbox.postCard({ suggestionId: s.id, ...draft.card, chatId: ctx.supervisorChatId }, ctx.now);
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

const oneLine = (text: string): string => stripInvisible(text).replace(/\s+/g, ' ').trim();

function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
