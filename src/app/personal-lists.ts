/**
 * The bot's private chat (SPEC §5): `我的待办` (`/todo`) answers with everything that waits for the
 * sender across every group — each item with its deadline, light and a link to its group —
 * `我的建议` (`/mine`) with a deputy's own suggestions and their state; anything else with the
 * private chat's help. The answer is queued in the transaction that stores the message, so a
 * redelivered message is answered once.
 *
 * With policy `personalDigest: "weekly"` the sweep sends each person the same 我的待办 list on the
 * week's first working day (Monday, or the first working day after a Monday holiday): one message
 * per person, none when the list is empty, claimed per (person, week) so it goes once.
 *
 * Lists are plain text (Lark makes the group links clickable). A classified suggestion shows its
 * number and title only, as every card does.
 */
import type { IncomingMessage, MessageRecorder } from '../adapters/sqlite/message-store.ts';
import { loadAggregate } from '../adapters/sqlite/aggregate-store.ts';
import type { DbOrTx, SqliteDb } from '../adapters/sqlite/db.ts';
import { outboxWriter } from '../adapters/sqlite/outbox-writer.ts';
import { personalStore } from '../adapters/sqlite/personal-store.ts';
import type { WorkingDayCalendar } from '../core/calendar/working-day-calendar.ts';
import { localDate } from '../core/clock.ts';
import { addCalendarDays } from '../core/deadlines/deadline-rule.ts';
import { openDeadlines, type DeadlineContext, type Light } from '../core/deadlines/deadlines.ts';
import { STATE_LABELS, type SuggestionAggregate } from '../core/model.ts';
import { TODO_KINDS, TODO_LABELS, todosOf, type TodoItem } from '../core/personal-todo.ts';
import type { AppContext } from './context.ts';
import { deadlineContext } from './context.ts';

export type PersonalCommand = 'todo' | 'mine' | 'help';

/** At most this many items in one message; the rest are counted ("还有 N 项"). */
export const MAX_LISTED = 50;

export const PERSONAL_HELP_TEXT = [
  'duban 督办 — 私聊命令 Commands in this chat:',
  '我的待办 或 /todo — 各群中等待您处理的事项 (what waits for you in every group)',
  '我的建议 或 /mine — 您提出的建议及办理状态 (your suggestions and their state; deputies)',
].join('\n');

/** `我的待办` / `/todo`, `我的建议` / `/mine`; anything else gets the help. */
export function personalCommand(text: string): PersonalCommand {
  const bare = text.replace(/@_user_\d+/g, '').trim().toLowerCase();
  if (bare === '我的待办' || bare === '/todo') return 'todo';
  if (bare === '我的建议' || bare === '/mine') return 'mine';
  return 'help';
}

/** One item of 我的待办, with what a person needs to find it. */
export interface ListedTodo extends TodoItem {
  number: string;
  title: string;
  unitName: string | null;
  chatId: string | null;
}

/** Reads aggregates once per run (the weekly digest asks for many people's lists). */
type AggregateCache = Map<string, { agg: SuggestionAggregate; deadlines: ReturnType<typeof openDeadlines> } | undefined>;

export function todoList(db: DbOrTx, dctx: DeadlineContext, openId: string, today: string, cache: AggregateCache = new Map()): ListedTodo[] {
  const store = personalStore(db);
  const person = store.person(openId);
  const items: TodoItem[] = [];
  for (const id of store.candidateSuggestions(person)) {
    if (!cache.has(id)) {
      const agg = loadAggregate(db, id);
      cache.set(id, agg && { agg, deadlines: openDeadlines(agg, dctx) });
    }
    const found = cache.get(id);
    if (found) items.push(...todosOf(found.agg, person, found.deadlines, today, dctx.policy.reminders.noticeDaysBefore));
  }
  const chats = store.chatsOf([...new Set(items.map((i) => i.suggestionId))]);
  const units = store.unitNames();
  const listed = items.map((i) => {
    const s = cache.get(i.suggestionId)!.agg.suggestion;
    return { ...i, number: s.number, title: s.title, unitName: i.unitId ? (units.get(i.unitId) ?? i.unitId) : null, chatId: chats.get(i.suggestionId) ?? null };
  });
  // Soonest due first; then as people name them: by number, what to do, and unit.
  return listed.sort(
    (x, y) =>
      (x.dueOn ?? '9999').localeCompare(y.dueOn ?? '9999') ||
      x.number.localeCompare(y.number) ||
      TODO_KINDS.indexOf(x.kind) - TODO_KINDS.indexOf(y.kind) ||
      (x.unitName ?? '').localeCompare(y.unitName ?? '') ||
      x.subjectId.localeCompare(y.subjectId),
  );
}

/** Lark's link that opens a chat in the client (applink), on Feishu or Lark as LARK_BASE_URL says. */
export function groupLink(chatId: string, larkBaseUrl: string): string {
  const host = /larksuite\.com/.test(larkBaseUrl) ? 'applink.larksuite.com' : 'applink.feishu.cn';
  return `https://${host}/client/chat/open?openChatId=${encodeURIComponent(chatId)}`;
}

const LIGHTS: Record<Light, string> = { red: '🔴 已逾期 overdue', yellow: '🟡 临近期限 due soon', blue: '🔵 正常 on track' };

export function todoText(items: ListedTodo[], today: string, larkBaseUrl: string, heading = '我的待办 My to-do'): string {
  if (items.length === 0) return `${heading}（${today}）\n目前没有等待您处理的事项。Nothing waits for you now.`;
  const lines = [`${heading}（${today}，共 ${items.length} 项 ${items.length} item${items.length === 1 ? '' : 's'}）`];
  items.slice(0, MAX_LISTED).forEach((i, n) => {
    const label = TODO_LABELS[i.kind];
    const due = i.dueOn ? `截止 due ${i.dueOn}${i.light ? ` ${LIGHTS[i.light]}` : ''}` : '无期限 no deadline';
    lines.push(`${n + 1}. 第${i.number}号《${i.title}》 ${label.zh_cn} ${label.en_us}${i.unitName ? ` · ${i.unitName}` : ''} · ${due}`);
    lines.push(i.chatId ? `   群聊 group: ${groupLink(i.chatId, larkBaseUrl)}` : '   群聊尚未建立 the group is not created yet');
  });
  if (items.length > MAX_LISTED) lines.push(`还有 ${items.length - MAX_LISTED} 项未列出 ${items.length - MAX_LISTED} more not listed`);
  return lines.join('\n');
}

const STATUS_LABELS = { open: '办理中 open', closed: '已办结 closed', withdrawn: '已撤回 withdrawn' } as const;

/** 我的建议: the deputy's suggestions, newest first, each with its units' states, light and group. */
export function mineText(db: DbOrTx, openId: string, larkBaseUrl: string): string {
  const store = personalStore(db);
  const person = store.person(openId);
  if (person.deputyIds.length === 0) return '我的建议 My suggestions\n您不是代表名录中的代表，没有以您名义提出的建议。You are not a deputy in the directory: no suggestions under your name.';
  const mine = store.deputySuggestions(person.deputyIds);
  if (mine.length === 0) return '我的建议 My suggestions\n目前没有您提出或附议的建议。No suggestions of yours yet.';
  const chats = store.chatsOf(mine.map((s) => s.id));
  const units = store.unitNames();
  const lines = [`我的建议 My suggestions（共 ${mine.length} 件 ${mine.length} in all）`];
  mine.slice(0, MAX_LISTED).forEach((s, n) => {
    const agg = loadAggregate(db, s.id);
    const light = s.status === 'open' && agg?.suggestion.boardLight ? ` ${LIGHTS[agg.suggestion.boardLight]}` : '';
    lines.push(`${n + 1}. 第${s.number}号《${s.title}》（${s.role === 'lead' ? '领衔 lead' : '附议 co-signer'}）${STATUS_LABELS[s.status]}${light}`);
    const states = (agg?.assignments ?? [])
      .filter((a) => a.state !== 'withdrawn' || s.status === 'withdrawn')
      .map((a) => `${units.get(a.unitId) ?? a.unitId}${ROLE[a.role]}：${STATE_LABELS[a.state].zh_cn}`);
    if (states.length > 0) lines.push(`   ${states.join('；')}`);
    const chatId = chats.get(s.id);
    if (chatId) lines.push(`   群聊 group: ${groupLink(chatId, larkBaseUrl)}`);
  });
  if (mine.length > MAX_LISTED) lines.push(`还有 ${mine.length - MAX_LISTED} 件未列出 ${mine.length - MAX_LISTED} more not listed`);
  return lines.join('\n');
}

const ROLE = { lead: '（主办）', co: '（协办）', split: '（分办）' } as const;

/** Records a message of the bot's private chat and queues its answer in the same transaction. */
export async function recordPrivateMessage(
  ctx: Pick<AppContext, 'db' | 'clock' | 'config' | 'policy' | 'calendar'>,
  recorder: MessageRecorder,
  message: IncomingMessage,
  command: PersonalCommand,
): Promise<{ stored: boolean; queued: boolean }> {
  const now = ctx.clock();
  let queued = false;
  const sender = message.senderOpenId;
  const outcome = await recorder.record(message, now, () => {
    if (!sender) return;
    const today = localDate(now, ctx.config.timeZone);
    const text =
      command === 'todo'
        ? todoText(todoList(ctx.db, deadlineContext(ctx), sender, today), today, ctx.config.lark.baseUrl)
        : command === 'mine'
          ? mineText(ctx.db, sender, ctx.config.lark.baseUrl)
          : PERSONAL_HELP_TEXT;
    outboxWriter(ctx.db).enqueue(null, { kind: 'send_text', text, chatId: message.chatId, replyToMessageId: message.messageId }, now);
    queued = true;
  });
  return { stored: outcome.stored, queued };
}

/** A person's weekly digest, planned (dry run) or sent. */
export interface PersonalDigest {
  openId: string;
  week: string;
  items: number;
}

/** The Monday (local date) of `today`'s week. */
export function weekOf(today: string): string {
  const weekday = new Date(`${today}T00:00:00Z`).getUTCDay(); // 0 Sunday … 6 Saturday
  return addCalendarDays(today, -((weekday + 6) % 7));
}

/**
 * The personal digest of SPEC §5 (policy `personalDigest: "weekly"`): on the week's first
 * working day, each person with a non-empty 我的待办 gets it in the bot's private chat, once a
 * week. A person whose list is empty that day gets nothing and is not claimed.
 */
export function sendPersonalDigests(
  deps: { db: SqliteDb; calendar: WorkingDayCalendar; policy: DeadlineContext['policy']; timeZone: string; larkBaseUrl: string },
  options: { now: Date; dryRun: boolean },
): PersonalDigest[] {
  if (deps.policy.personalDigest !== 'weekly') return [];
  const today = localDate(options.now, deps.timeZone);
  if (!deps.calendar.isWorkingDay(today)) return [];
  const week = weekOf(today);
  // The first working day of the week: no earlier day of this week was one.
  for (let day = week; day < today; day = addCalendarDays(day, 1)) if (deps.calendar.isWorkingDay(day)) return [];
  const store = personalStore(deps.db);
  const dctx: DeadlineContext = { policy: deps.policy, calendar: deps.calendar, timeZone: deps.timeZone };
  const cache: AggregateCache = new Map();
  const planned: Array<PersonalDigest & { text: string }> = [];
  for (const openId of store.everyone()) {
    if (store.digestSent(openId, week)) continue;
    const items = todoList(deps.db, dctx, openId, today, cache);
    if (items.length > 0) planned.push({ openId, week, items: items.length, text: todoText(items, today, deps.larkBaseUrl, '本周待办 This week’s to-do') });
  }
  if (options.dryRun) return planned.map(({ text: _text, ...d }) => d);
  const at = options.now.toISOString();
  const sent: PersonalDigest[] = [];
  deps.db.transaction(
    () => {
      const outbox = outboxWriter(deps.db);
      for (const d of planned) {
        if (!store.claimDigest(d.openId, week, d.items, at)) continue; // a concurrent sweep sent it
        outbox.enqueue(null, { kind: 'send_text', text: d.text, openId: d.openId }, options.now);
        sent.push({ openId: d.openId, week, items: d.items });
      }
    },
    { behavior: 'immediate' },
  );
  return sent;
}
