/**
 * The shape of every Lark event duban acts on (API.md §2, §3), checked with zod before any field
 * is used. An event that does not fit is not half-read: the handler records it as refused and
 * stores nothing from it. Bounds are generous for Lark's real values and tight for anything else:
 * ids are short tokens of letters, digits, `_` and `-`; times are milliseconds as a string of
 * digits (Lark's format) within years 2000–2200; a form value is a flat record of short values.
 */
import { z } from 'zod';

/** An id in Lark's shapes (`om_…`, `oc_…`, `ou_…`, an event id): a short token. */
const larkId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'an id of at most 128 letters, digits, "_" or "-"');

/** Milliseconds since the epoch, as Lark writes them: digits, between 2000 and 2200. */
const larkMillis = z
  .string()
  .regex(/^\d{1,16}$/, 'milliseconds as a string of digits')
  .refine((ms) => Number(ms) >= 946_684_800_000 && Number(ms) <= 7_258_118_400_000, 'a time between 2000 and 2200');

/** Lark's message content is JSON in a string; a text message is at most 150 KB. */
const MESSAGE_CONTENT_LIMIT = 150 * 1024;

export const envelopeHeaderSchema = z.object({
  event_id: larkId,
  event_type: z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/, 'an event type such as im.message.receive_v1'),
  /** Milliseconds, or microseconds on card callbacks; not used, so only its form is checked. */
  create_time: z.string().regex(/^\d{1,19}$/, 'a time as a string of digits').optional(),
  token: z.string().max(256).optional(),
  app_id: z.string().max(128).optional(),
  tenant_key: z.string().max(128).optional(),
});

export const messageEventSchema = z.object({
  sender: z.object({
    sender_id: z.object({ open_id: larkId.optional() }).optional(),
    sender_type: z.string().max(32),
  }),
  message: z.object({
    message_id: larkId,
    root_id: larkId.optional(),
    parent_id: larkId.optional(),
    thread_id: larkId.optional(),
    chat_id: larkId,
    /** `p2p` in the bot's private chat with a person, `group` in a group (API.md §2). */
    chat_type: z.string().max(32).optional(),
    create_time: larkMillis.optional(),
    message_type: z.string().regex(/^[a-z_]{1,32}$/, 'a message type such as text'),
    content: z.string().max(MESSAGE_CONTENT_LIMIT),
    mentions: z.array(z.object({ key: z.string().max(64).optional() })).max(200).optional(),
  }),
});
export type MessageEvent = z.infer<typeof messageEventSchema>;

/** im.message.recalled_v1: `recall_time` in ms as a string, `recall_type` who recalled it. */
export const recallEventSchema = z.object({
  message_id: larkId,
  chat_id: larkId.optional(),
  recall_time: larkMillis.optional(),
  recall_type: z.string().max(64).optional(),
});

/** One form field's value: what Lark's inputs, selects, pickers and checkers send. */
const formFieldValue = z.union([z.string().max(512 * 1024), z.number().finite(), z.boolean(), z.null(), z.array(z.union([z.string().max(1024), z.number().finite()])).max(100)]);

export const cardActionEventSchema = z.object({
  operator: z.object({ open_id: larkId }),
  action: z.object({
    /** Checked against duban's own button values afterwards (card-action-command.ts). */
    value: z.unknown().optional(),
    form_value: z
      .record(z.string().max(64), formFieldValue)
      .refine((form) => Object.keys(form).length <= 50, 'at most 50 form fields')
      .optional(),
    name: z.string().max(128).optional(),
  }),
  context: z.object({ open_message_id: larkId.optional(), open_chat_id: larkId }),
});
export type CardActionEvent = z.infer<typeof cardActionEventSchema>;

export const chatEventSchema = z.object({
  chat_id: larkId,
  operator_id: z.object({ open_id: larkId.optional() }).optional(),
});
export type ChatEventBody = z.infer<typeof chatEventSchema>;

/** The first problem zod found, short enough for a log line and an audit row. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'does not fit';
  const path = issue.path.map(String).join('.') || '(the event)';
  return `${path.slice(0, 80)}: ${issue.message.slice(0, 160)}`;
}
