/**
 * Messages in the groups (SPEC §5): every message is recorded; `@bot 进度` (or `/status`) posts the
 * status board again, `@bot 帮助` (or `/help`) answers with the commands and `@bot 查 <words>` (or
 * `/search <words>`) with the 查询结果 card of the knowledge base, queued in the same
 * transaction as the message, so a redelivered message neither is stored twice nor answered twice.
 */
import { markMessageRecalled, type IncomingMessage, type MessageRecorder, type RecallOutcome } from '../adapters/sqlite/message-store.ts';
import { outboxWriter } from '../adapters/sqlite/outbox-writer.ts';
import type { AppContext } from './context.ts';
import type { DbOrTx } from '../adapters/sqlite/db.ts';
import { DomainError } from '../core/errors.ts';
import { checkQuery, searchResultsCard } from './knowledge-base.ts';

/** A command in a group's text; `search` holds the words after 查 (or /search). */
export type TextCommand = 'status' | 'help' | { search: string };

export const HELP_TEXT = [
  'duban 督办 — 可用命令 Commands:',
  '@督办 进度 或 /status — 重新发送状态看板 (post the status board again)',
  '@督办 帮助 或 /help — 显示本说明 (show this help)',
  '@督办 查 <关键词> 或 /search <words> — 查询往年类似建议及答复 (search earlier suggestions and their answers)',
  '办理操作请使用卡片上的按钮 (use the buttons on the cards to sign for, report, answer and evaluate).',
].join('\n');

/** Records the message; `queued` says whether it caused Lark calls (the answer to a command). */
export async function recordGroupMessage(
  ctx: Pick<AppContext, 'db' | 'clock'>,
  recorder: MessageRecorder,
  message: IncomingMessage,
  command: TextCommand | undefined,
): Promise<{ stored: boolean; queued: boolean }> {
  const now = ctx.clock();
  let queued = false;
  const answer =
    command &&
    ((suggestionId: string | null) => {
      if (!suggestionId) return; // a command outside a suggestion's group answers nothing
      const outbox = outboxWriter(ctx.db);
      if (command === 'status') outbox.postCard({ suggestionId, kind: 'status_board', subjectId: suggestionId }, now);
      else if (typeof command === 'object') answerSearch(ctx.db, suggestionId, message.messageId, command.search, now);
      else outbox.enqueue(suggestionId, { kind: 'send_text', text: HELP_TEXT, replyToMessageId: message.messageId }, now);
      queued = true;
    });
  const outcome = await recorder.record(message, now, answer);
  return { stored: outcome.stored, queued };
}

/** The 查询结果 card, fixed as it is now; a query with nothing to look for is answered with why. */
function answerSearch(db: DbOrTx, suggestionId: string, messageId: string, query: string, now: Date): void {
  const outbox = outboxWriter(db);
  try {
    checkQuery(query);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    outbox.enqueue(suggestionId, { kind: 'send_text', text: `${error.zh}\n${error.en}`, replyToMessageId: messageId }, now);
    return;
  }
  outbox.postCard({ suggestionId, kind: 'search_results', subjectId: messageId, model: searchResultsCard(db, query) }, now);
}

/**
 * A message recalled in a group (im.message.recalled_v1): kept with its text, marked recalled
 * with when and by whom Lark says. A recall of a message duban never stored (one sent before the
 * bot joined) changes nothing.
 */
export function recordRecall(
  ctx: Pick<AppContext, 'db'>,
  recall: { messageId: string; recalledAt: string; recallType: string | null },
): RecallOutcome {
  return ctx.db.transaction((tx) => markMessageRecalled(tx, recall.messageId, recall.recalledAt, recall.recallType));
}
