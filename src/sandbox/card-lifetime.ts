/**
 * Lark's time rule for cards (API.md §4.1, §5.6): a card (JSON 2.0) can be pressed or updated for
 * 14 days after it was sent, on the sandbox's clock. A PATCH after that answers 230031; a press is
 * refused by the Lark client itself, so no callback reaches the bot.
 */
import type { FakeMessage } from './sandbox-state.ts';

export const CARD_LIFETIME_MS = 14 * 24 * 3600_000;

export function pastCardLifetime(message: FakeMessage, now: number): boolean {
  return now - message.createTime >= CARD_LIFETIME_MS;
}

/**
 * Why the Lark client would not send a press on this card, or undefined when it would. Lark
 * documents no client code for an expired card; the sandbox shows the PATCH's 230031 with the
 * client's words.
 */
export function pressRefusal(message: FakeMessage | undefined, now: number): { code: number; msg: string } | undefined {
  if (!message || message.msgType !== 'interactive' || !pastCardLifetime(message, now)) return undefined;
  return { code: 230031, msg: '卡片已过期：发送超过 14 天的卡片不能再操作 (the card was sent more than 14 days ago; Lark no longer lets anyone press it)' };
}
