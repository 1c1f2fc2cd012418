/**
 * A message as HTML: who sent it and when, its text or its card drawn as Lark draws it (markdown,
 * names, chips, columns, header colours, panels; buttons and forms post back to
 * /sandbox/ui/press, and a form Lark would not submit shows its errors on the card), its updates,
 * whether an update took its buttons away (superseded), and urgent deliveries.
 */
import { childElements, isTemplateCard, rootElements } from '../card-check.ts';
import type { FakeLark } from '../fake-lark.ts';
import type { FakeChat, FakeMessage } from '../sandbox-state.ts';
import { collectButtons, FORM_FIELD_TAGS, isObject, textOf, type Json } from './card-reading.ts';
import { escapeHtml } from './escape-html.ts';
import { larkMarkdownToHtml } from './lark-markdown.ts';

function withNames(fake: FakeLark, text: string): string {
  return text.replace(/<at\s+(?:user_)?id\s*=\s*["']?([^"'>\s]+)["']?\s*>(.*?)<\/at>/g, (_, id: string, name: string) =>
    id === 'all' ? '@all' : `@${name || fake.personName(id)}`,
  );
}

/** Times as people in the chats read them: Beijing time, "2026-03-02 10:00:00". */
const TIME_FORMAT = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

export function formatTime(ms: number): string {
  return TIME_FORMAT.format(new Date(ms));
}

/** What the last press on a card left to show on it: fields Lark would not submit, or Lark's error. */
export interface CardProblems {
  messageId: string;
  /** field name → why Lark refuses it */
  fields: Record<string, string>;
  /** field name → what the person had filled in (kept on the card, as Lark keeps it) */
  values?: Record<string, string> | undefined;
  error?: string | undefined;
}

interface RenderContext {
  problems?: CardProblems | undefined;
  fake: FakeLark;
  as: string;
  chat: FakeChat;
  message: FakeMessage;
  buttonIndex: Map<Json, number>;
}

function hidden(ctx: RenderContext): string {
  return (
    `<input type="hidden" name="as" value="${escapeHtml(ctx.as)}">` +
    `<input type="hidden" name="chat" value="${escapeHtml(ctx.chat.chatId)}">` +
    `<input type="hidden" name="message" value="${escapeHtml(ctx.message.messageId)}">`
  );
}

function buttonLabel(el: Json): string {
  return escapeHtml(textOf(el.text) || el.name || 'button');
}

function renderField(ctx: RenderContext, field: Json): string {
  let el = field;
  const name = `field:${String(el.name)}`;
  const label = textOf(el.label) || textOf(el.placeholder) || String(el.name);
  // Not the browser's `required`: Lark checks on press and marks the field on the card (see mount-ui).
  const required = el.required === true ? ' aria-required="true"' : '';
  const mine = ctx.problems?.messageId === ctx.message.messageId ? ctx.problems : undefined;
  const problem = mine?.fields[String(el.name)];
  const kept = mine?.values?.[String(el.name)];
  if (kept !== undefined) el = { ...el, default_value: kept, initial_option: kept, initial_date: kept };
  let control: string;
  switch (el.tag) {
    case 'input':
      control =
        el.input_type === 'multiline_text'
          ? `<textarea name="${escapeHtml(name)}" rows="${Number(el.rows) || 3}"${required}>${escapeHtml(el.default_value)}</textarea>`
          : `<input name="${escapeHtml(name)}" type="${el.input_type === 'password' ? 'password' : 'text'}" value="${escapeHtml(el.default_value)}"${required}>`;
      break;
    case 'select_static':
    case 'multi_select_static': {
      const multiple = el.tag === 'multi_select_static' ? ' multiple' : '';
      const options = Array.isArray(el.options) ? el.options.filter(isObject) : [];
      const initial = el.initial_option;
      control =
        `<select name="${escapeHtml(name)}"${multiple}${required}>` +
        (multiple ? '' : '<option value="">—</option>') +
        options
          .map((o) => `<option value="${escapeHtml(o.value)}"${o.value === initial ? ' selected' : ''}>${escapeHtml(textOf(o.text) || o.value)}</option>`)
          .join('') +
        '</select>';
      break;
    }
    case 'date_picker':
      control = `<input name="${escapeHtml(name)}" type="date" value="${escapeHtml(el.initial_date)}"${required}>`;
      break;
    case 'checker':
      control = `<input name="${escapeHtml(name)}" type="checkbox" value="true"${el.checked === true ? ' checked' : ''}>`;
      break;
    default:
      control = `<input name="${escapeHtml(name)}" type="text">`;
  }
  const placeholder = textOf(el.placeholder);
  if (placeholder && el.tag === 'input') control = control.replace(/^<(input|textarea) /, `<$1 placeholder="${escapeHtml(placeholder)}" `);
  return (
    `<label class="field${problem ? ' invalid' : ''}"><span>${escapeHtml(label)}${required ? ' <i class="req">*</i>' : ''}</span>${control}` +
    (problem ? `<em class="fielderror">${escapeHtml(problem)}</em>` : '') +
    '</label>'
  );
}

function renderElements(ctx: RenderContext, elements: Json[], inForm: boolean): string {
  return elements.map((el) => renderElement(ctx, el, inForm)).join('');
}

function renderElement(ctx: RenderContext, el: Json, inForm: boolean): string {
  switch (el.tag) {
    case 'markdown':
    case 'lark_md':
      return `<div class="md">${markdown(ctx, textOf(el))}</div>`;
    case 'plain_text':
      return `<div class="plain">${escapeHtml(textOf(el))}</div>`;
    case 'div': {
      const fields = Array.isArray(el.fields) ? el.fields.filter(isObject).map((f) => f.text) : [];
      return `<div class="md">${[el.text, ...fields].filter(Boolean).map((t) => textObject(ctx, t)).join('')}</div>`;
    }
    case 'hr':
      return '<hr>';
    case 'column_set':
      return `<div class="cols">${childElements(el)
        .map((col) => `<div class="col">${renderElements(ctx, childElements(col), inForm)}</div>`)
        .join('')}</div>`;
    case 'collapsible_panel':
      return `<details class="panel"${el.expanded === true ? ' open' : ''}><summary>${textObject(ctx, isObject(el.header) ? el.header.title : undefined) || 'Details'}</summary>${renderElements(ctx, childElements(el), inForm)}</details>`;
    case 'action':
      return `<div class="actions">${renderElements(ctx, childElements(el), inForm)}</div>`;
    case 'note':
      return `<div class="note">${childElements(el).map((t) => textObject(ctx, t)).join(' ')}</div>`;
    case 'form':
      return (
        `<form class="cardform" method="post" action="/sandbox/ui/press">${hidden(ctx)}` +
        `${renderElements(ctx, childElements(el), true)}</form>`
      );
    case 'button': {
      const index = ctx.buttonIndex.get(el) ?? -1;
      const kind = escapeHtml(el.type ?? 'default');
      if (inForm) {
        if (el.form_action_type === 'reset') return `<button type="reset" class="btn ${kind}">${buttonLabel(el)}</button>`;
        return `<button type="submit" name="button" value="${index}" class="btn ${kind}">${buttonLabel(el)}</button>`;
      }
      const links = Array.isArray(el.behaviors) ? el.behaviors.filter((b) => isObject(b) && b.type === 'open_url') : [];
      if (links.length > 0 && !collectsCallback(el)) {
        const link = links[0] as Json;
        return `<a class="btn ${kind}" href="${escapeHtml(link.default_url)}" target="_blank" rel="noreferrer">${buttonLabel(el)}</a>`;
      }
      return (
        `<form class="inline" method="post" action="/sandbox/ui/press">${hidden(ctx)}` +
        `<button type="submit" name="button" value="${index}" class="btn ${kind}">${buttonLabel(el)}</button></form>`
      );
    }
    case 'img':
      return `<div class="muted">[image ${escapeHtml(el.img_key)}]</div>`;
    default:
      if (typeof el.tag === 'string' && FORM_FIELD_TAGS.has(el.tag)) {
        return inForm ? renderField(ctx, el) : `<div class="muted">[${escapeHtml(el.tag)} outside a form: not interactive in the sandbox]</div>`;
      }
      return `<div class="muted">[${escapeHtml(el.tag)}] ${escapeHtml(withNames(ctx.fake, textOf(el.text) || textOf(el)))}</div>`;
  }
}

function markdown(ctx: RenderContext, text: string): string {
  return larkMarkdownToHtml(text, { nameOf: (id) => ctx.fake.personName(id) });
}

/** A text object: `lark_md` (and markdown) drawn as markdown, plain text escaped as it is. */
function textObject(ctx: RenderContext, value: unknown): string {
  if (isObject(value) && (value.tag === 'lark_md' || value.tag === 'markdown')) return markdown(ctx, textOf(value));
  return escapeHtml(textOf(value));
}

function collectsCallback(button: Json): boolean {
  return Array.isArray(button.behaviors) ? button.behaviors.some((b) => isObject(b) && b.type === 'callback') : isObject(button.value);
}

function renderCard(ctx: RenderContext, card: unknown): string {
  if (!isObject(card)) return `<pre>${escapeHtml(JSON.stringify(card))}</pre>`;
  if (isTemplateCard(card)) {
    return `<div class="card"><div class="muted">template card</div><pre>${escapeHtml(JSON.stringify(card.data, null, 2))}</pre></div>`;
  }
  const header = isObject(card.header) ? card.header : undefined;
  const title = header ? textOf(header.title) : '';
  const subtitle = header ? textOf(header.subtitle) : '';
  const color = header && typeof header.template === 'string' && /^[a-z_-]{1,20}$/.test(header.template) ? header.template : 'default';
  const tags = header && Array.isArray(header.text_tag_list) ? header.text_tag_list.filter(isObject) : [];
  const chips = tags.map((t) => `<span class="chip chip-${escapeHtml(String(t.color ?? 'neutral').replace(/[^a-z_-]/g, ''))}">${escapeHtml(textOf(t.text))}</span>`).join('');
  const problems = ctx.problems?.messageId === ctx.message.messageId ? ctx.problems : undefined;
  return (
    `<div class="card">` +
    (title
      ? `<div class="cardhead t-${escapeHtml(color)}"><b class="cardtitle">${escapeHtml(title)}</b>${chips}${subtitle ? `<div class="subtitle">${escapeHtml(subtitle)}</div>` : ''}</div>`
      : '') +
    (problems?.error ? `<div class="carderror" role="alert">${escapeHtml(problems.error)}</div>` : '') +
    `<div class="cardbody">${renderElements(ctx, rootElements(card), false)}</div></div>`
  );
}

function renderMessageBody(ctx: RenderContext): string {
  const m = ctx.message;
  if (m.msgType === 'interactive') return renderCard(ctx, m.body);
  if (m.msgType === 'text' && isObject(m.body) && typeof m.body.text === 'string') {
    let text = withNames(ctx.fake, m.body.text);
    for (const mention of m.mentions) text = text.split(mention.key).join(`@${mention.name || ctx.fake.personName(mention.id)}`);
    return `<div class="md">${escapeHtml(text)}</div>`;
  }
  if (m.msgType === 'post' && isObject(m.body)) {
    const post = (Object.values(m.body)[0] ?? {}) as Json;
    const lines = Array.isArray(post.content)
      ? post.content.map((line) =>
          Array.isArray(line) ? line.map((part) => (isObject(part) ? String(part.text ?? (part.user_id ? `@${ctx.fake.personName(String(part.user_id))}` : '')) : '')).join('') : '',
        )
      : [];
    return `<div class="md"><b>${escapeHtml(post.title)}</b>\n${escapeHtml(lines.join('\n'))}</div>`;
  }
  return `<pre>${escapeHtml(m.content)}</pre>`;
}

/** An update took every button away from a card that had some: it was superseded (e.g. re-posted, closed). */
function superseded(message: FakeMessage): boolean {
  if (message.msgType !== 'interactive' || message.revisions.length === 0) return false;
  const before = message.revisions.length > 1 ? message.revisions[message.revisions.length - 2]!.body : message.originalBody;
  return collectButtons(message.body).length === 0 && collectButtons(before).length > 0;
}

export function renderMessage(fake: FakeLark, as: string, chat: FakeChat, message: FakeMessage, problems?: CardProblems): string {
  const ctx: RenderContext = {
    problems,
    fake,
    as,
    chat,
    message,
    buttonIndex: new Map(collectButtons(message.body).map((ref, i) => [ref.button, i])),
  };
  const who = message.sender.senderType === 'app' ? `🤖 ${fake.botName}` : fake.personName(message.sender.id);
  const time = formatTime(message.createTime);
  const notes: string[] = [];
  if (message.parentId) notes.push(`↳ reply to ${message.parentId}`);
  if (message.threadId) notes.push(`thread ${message.threadId}`);
  const badges: string[] = [];
  if (message.revisions.length > 0) badges.push(`<span class="badge updated" title="${escapeHtml(message.revisions.map((r) => `${formatTime(r.at)} ${r.source}`).join('\n'))}">已更新 ${message.revisions.length} 次 · updated ${message.revisions.length}×</span>`);
  if (superseded(message)) badges.push('<span class="badge superseded">已失效 · superseded</span>');
  if (message.deleted) notes.push('recalled');
  if (fake.pressRefusal(message.messageId)) notes.push('sent more than 14 days ago: Lark no longer lets anyone press or update this card');
  const urgents = message.urgents
    .map((u) => `<div class="urgent">⚡ urgent_${escapeHtml(u.kind)} → ${escapeHtml(u.userIds.map((id) => fake.personName(id)).join(', '))}</div>`)
    .join('');
  return (
    `<div class="msg${message.sender.senderType === 'app' ? ' bot' : ''}${message.sender.id === as ? ' mine' : ''}" id="${escapeHtml(message.messageId)}">` +
    `<div class="meta"><b>${escapeHtml(who)}</b> · ${escapeHtml(time)} · <code>${escapeHtml(message.messageId)}</code>` +
    (notes.length ? ` · ${escapeHtml(notes.join(' · '))}` : '') +
    (badges.length ? ` ${badges.join(' ')}` : '') +
    recallButton(as, chat, message) +
    `</div>${renderMessageBody(ctx)}${urgents}</div>`
  );
}

/** 撤回 on one's own message (and, for the chat's owner, on anyone's), as Lark offers it. */
function recallButton(as: string, chat: FakeChat, message: FakeMessage): string {
  if (message.deleted || !as || (message.sender.id !== as && chat.ownerId !== as)) return '';
  return (
    ` <form class="inline" method="post" action="/sandbox/ui/recall"><input type="hidden" name="as" value="${escapeHtml(as)}">` +
    `<input type="hidden" name="chat" value="${escapeHtml(chat.chatId)}"><input type="hidden" name="message" value="${escapeHtml(message.messageId)}">` +
    `<button type="submit">撤回 Recall</button></form>`
  );
}
