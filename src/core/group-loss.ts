/**
 * A group duban can no longer reach (SPEC §6 "the bot notices ..."): someone removed the bot from
 * the chat (`im.chat.member.bot.deleted_v1`, or Lark answering 230002 / 232011 to a call) or
 * disbanded it (`im.chat.disbanded_v1`, or 232009). What it is called, what the supervisors are
 * told, and the reason every call to it fails with.
 */
import { forTextMessage } from './outbound-text.ts';
import type { Bilingual } from './bilingual.ts';
import type { SuggestionRow } from './model.ts';

export const GROUP_LOSS_REASONS = ['bot_removed', 'disbanded'] as const;
export type GroupLossReason = (typeof GROUP_LOSS_REASONS)[number];

export interface GroupLoss {
  reason: GroupLossReason;
  /** When duban learnt it (ISO instant). */
  at: string;
  /** Who did it: the operator's open_id from the event, or `lark:<code>` when Lark's answer said so. */
  by: string;
}

const WHAT: Record<GroupLossReason, Bilingual> = {
  bot_removed: { zh_cn: '机器人已被移出群聊', en_us: 'the bot was removed from the group' },
  disbanded: { zh_cn: '群聊已被解散', en_us: 'the group was disbanded' },
};

/** The audit action of a loss, shown in the suggestion's timeline. */
export const groupLossAction = (reason: GroupLossReason): string => `group_${reason}`;

const byWhom = (by: string, lang: keyof Bilingual): string => {
  if (/^ou_[A-Za-z0-9_-]{1,128}$/.test(by)) return lang === 'zh_cn' ? `（操作人：<at user_id="${by}"></at>）` : ` (by <at user_id="${by}"></at>)`;
  const answer = forTextMessage(by.replace(/^lark:/, ''), 40);
  return lang === 'zh_cn' ? `（飞书返回 ${answer}）` : ` (Lark answered ${answer})`;
};

/** The text for the supervisors' group, naming the suggestion. */
export function groupLostNotice(s: Pick<SuggestionRow, 'number' | 'title' | 'session'>, loss: Pick<GroupLoss, 'reason' | 'by'>): Bilingual {
  const what = WHAT[loss.reason];
  return {
    zh_cn: `【群组失联】${forTextMessage(s.session, 40)}第${forTextMessage(s.number, 40)}号建议「${forTextMessage(s.title, 200)}」的群组：${what.zh_cn}${byWhom(loss.by, 'zh_cn')}。督办不再向该群发送消息和卡片，请督办人员处理（如重新拉入机器人）。`,
    en_us: `[Group lost] Suggestion ${forTextMessage(s.number, 40)} (${forTextMessage(s.session, 40)}): ${what.en_us}${byWhom(loss.by, 'en_us')}. duban no longer posts there; supervisors, please see to it (e.g. add the bot back).`,
  };
}

/** Why a call to a lost group is not made: the outbox row's error. */
export function groupLossError(loss: GroupLoss): string {
  return `group lost: ${WHAT[loss.reason].en_us} (${loss.by}, ${loss.at}); calls to it are not sent`;
}

/** The one-line record in the audit log. */
export const groupLossMessage = (loss: Pick<GroupLoss, 'reason'>): string => WHAT[loss.reason].zh_cn;
