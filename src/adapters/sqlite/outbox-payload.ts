/**
 * The calls the outbox can make, as data. Cards are stored as a reference to a card message and
 * rendered when sent, so a card shows the state at the moment it reaches Lark, not when queued.
 */
import type { CardModel, DigestModel, SearchResultsModel, EscalationsModel } from '../cards/card-model.ts';

export type OutboxPayload =
  | { kind: 'create_chat'; name: string; description: string; memberOpenIds: string[] }
  | { kind: 'add_members'; openIds: string[] }
  | { kind: 'remove_members'; openIds: string[] }
  /** `chatId` only for chats other than the suggestion's own (the supervisors' group). */
  /** `model`: a card whose content is fixed when queued (a reminder says what was true that day). */
  | { kind: 'send_card'; cardMessageId: string; chatId?: string; model?: CardModel | DigestModel | SearchResultsModel | EscalationsModel }
  | { kind: 'patch_card'; cardMessageId: string }
  /** `openId`: to a person, in the bot's private chat with them (the personal digest). */
  | { kind: 'send_text'; text: string; chatId?: string; openId?: string; replyToMessageId?: string }
  | { kind: 'urgent'; cardMessageId: string; openIds: string[]; channel: 'app' | 'sms' };

export type OutboxKind = OutboxPayload['kind'];
