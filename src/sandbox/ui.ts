/**
 * The sandbox UI for newcomers (SPEC §9): act as a person from the directory, see the chats and
 * their messages with cards drawn crudely but usably, press buttons and submit forms (delivered
 * to the bot as `card.action.trigger` through the event sender), and post messages as that
 * person. Server-rendered HTML with no build step and no external assets; everything escaped.
 */
import type { Hono } from 'hono';
import { buttonValue, childElements, isTemplateCard, rootElements } from './card-check.ts';
import type { FakeLark } from './fake-lark.ts';
import type { FakeChat, FakeMessage } from './sandbox-state.ts';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const FORM_FIELD_TAGS = new Set(['input', 'select_static', 'multi_select_static', 'date_picker', 'checker', 'picker_time', 'picker_datetime']);

interface ButtonRef {
  button: Json;
  form: Json | undefined;
}

/** Every button of a card in document order; the UI refers to a button by its index here. */
function collectButtons(card: unknown): ButtonRef[] {
  const out: ButtonRef[] = [];
  if (!isObject(card) || isTemplateCard(card)) return out;
  const walk = (elements: Json[], form: Json | undefined) => {
    for (const el of elements) {
      if (el.tag === 'button') out.push({ button: el, form });
      walk(childElements(el), el.tag === 'form' ? el : form);
    }
  };
  walk(rootElements(card), undefined);
  return out;
}

function formFields(form: Json): Json[] {
  const out: Json[] = [];
  const walk = (elements: Json[]) => {
    for (const el of elements) {
      if (typeof el.tag === 'string' && FORM_FIELD_TAGS.has(el.tag) && typeof el.name === 'string') out.push(el);
      walk(childElements(el));
    }
  };
  walk(childElements(form));
  return out;
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (isObject(value)) {
    if (typeof value.content === 'string') return value.content;
    if (isObject(value.i18n)) return String(Object.values(value.i18n)[0] ?? '');
  }
  return '';
}

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

interface RenderContext {
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

function renderField(el: Json): string {
  const name = `field:${String(el.name)}`;
  const label = textOf(el.label) || textOf(el.placeholder) || String(el.name);
  const required = el.required === true ? ' required' : '';
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
  return `<label class="field"><span>${escapeHtml(label)}${required ? ' *' : ''}</span>${control}</label>`;
}

function renderElements(ctx: RenderContext, elements: Json[], inForm: boolean): string {
  return elements.map((el) => renderElement(ctx, el, inForm)).join('');
}

function renderElement(ctx: RenderContext, el: Json, inForm: boolean): string {
  switch (el.tag) {
    case 'markdown':
    case 'lark_md':
    case 'plain_text':
      return `<div class="md">${escapeHtml(withNames(ctx.fake, textOf(el)))}</div>`;
    case 'div': {
      const fields = Array.isArray(el.fields) ? el.fields.filter(isObject).map((f) => textOf(f.text)) : [];
      return `<div class="md">${escapeHtml(withNames(ctx.fake, [textOf(el.text), ...fields].filter(Boolean).join('\n')))}</div>`;
    }
    case 'hr':
      return '<hr>';
    case 'column_set':
      return `<div class="cols">${childElements(el)
        .map((col) => `<div class="col">${renderElements(ctx, childElements(col), inForm)}</div>`)
        .join('')}</div>`;
    case 'collapsible_panel':
      return `<details${el.expanded === true ? ' open' : ''}><summary>${escapeHtml(textOf(isObject(el.header) ? el.header.title : undefined) || 'Details')}</summary>${renderElements(ctx, childElements(el), inForm)}</details>`;
    case 'action':
      return `<div class="actions">${renderElements(ctx, childElements(el), inForm)}</div>`;
    case 'note':
      return `<div class="note">${escapeHtml(childElements(el).map(textOf).join(' '))}</div>`;
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
        return inForm ? renderField(el) : `<div class="muted">[${escapeHtml(el.tag)} outside a form: not interactive in the sandbox]</div>`;
      }
      return `<div class="muted">[${escapeHtml(el.tag)}] ${escapeHtml(withNames(ctx.fake, textOf(el.text) || textOf(el)))}</div>`;
  }
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
  const color = header && typeof header.template === 'string' ? header.template : 'default';
  return (
    `<div class="card">` +
    (title ? `<div class="cardhead t-${escapeHtml(color)}"><b>${escapeHtml(title)}</b>${subtitle ? `<div>${escapeHtml(subtitle)}</div>` : ''}</div>` : '') +
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

function renderMessage(fake: FakeLark, as: string, chat: FakeChat, message: FakeMessage): string {
  const ctx: RenderContext = {
    fake,
    as,
    chat,
    message,
    buttonIndex: new Map(collectButtons(message.body).map((ref, i) => [ref.button, i])),
  };
  const who = message.sender.senderType === 'app' ? `🤖 ${fake.botName}` : fake.personName(message.sender.id);
  const time = TIME_FORMAT.format(new Date(message.createTime));
  const notes: string[] = [];
  if (message.parentId) notes.push(`↳ reply to ${message.parentId}`);
  if (message.threadId) notes.push(`thread ${message.threadId}`);
  if (message.revisions.length > 0) notes.push(`updated ${message.revisions.length}×`);
  if (message.deleted) notes.push('recalled');
  const urgents = message.urgents
    .map((u) => `<div class="urgent">⚡ urgent_${escapeHtml(u.kind)} → ${escapeHtml(u.userIds.map((id) => fake.personName(id)).join(', '))}</div>`)
    .join('');
  return (
    `<div class="msg${message.sender.senderType === 'app' ? ' bot' : ''}${message.sender.id === as ? ' mine' : ''}" id="${escapeHtml(message.messageId)}">` +
    `<div class="meta"><b>${escapeHtml(who)}</b> · ${escapeHtml(time)} · <code>${escapeHtml(message.messageId)}</code>` +
    (notes.length ? ` · ${escapeHtml(notes.join(' · '))}` : '') +
    `</div>${renderMessageBody(ctx)}${urgents}</div>`
  );
}

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1f2329;background:#f5f6f7}
header{background:#3370ff;color:#fff;padding:8px 16px;display:flex;gap:16px;align-items:center;flex-wrap:wrap}
header a{color:#fff}
main{display:flex;gap:16px;padding:16px;align-items:flex-start}
nav{width:280px;flex:none;background:#fff;border-radius:8px;padding:8px}
nav a{display:block;padding:6px 8px;border-radius:6px;color:inherit;text-decoration:none}
nav a.sel{background:#e1eaff} nav a .muted{font-size:12px}
section{flex:1;min-width:0}
.msg{background:#fff;border-radius:8px;padding:8px 12px;margin-bottom:8px;max-width:760px}
.msg.mine{margin-left:40px;background:#e8f3ff}
.meta{font-size:12px;color:#646a73;margin-bottom:4px} code{font-size:11px}
.md{white-space:pre-wrap;word-break:break-word}
.card{border:1px solid #dee0e3;border-radius:8px;overflow:hidden}
.cardhead{padding:8px 12px;background:#eef;color:#1f2329}
.t-blue,.t-wathet,.t-indigo{background:#e1eaff}.t-green,.t-turquoise{background:#d9f5d6}.t-red,.t-carmine{background:#fde2e2}
.t-orange,.t-yellow{background:#feead2}.t-violet,.t-purple{background:#ece2fe}.t-grey{background:#eff0f1}
.cardbody{padding:8px 12px}.cardbody>*{margin:6px 0}
.cols{display:flex;gap:12px}.col{flex:1}
.btn{margin:2px 4px 2px 0;padding:4px 12px;border-radius:6px;border:1px solid #bbbfc4;background:#fff;cursor:pointer}
.btn.primary,.btn.primary_filled{background:#3370ff;color:#fff;border-color:#3370ff}
.btn.danger,.btn.danger_filled{background:#f54a45;color:#fff;border-color:#f54a45}
form.inline{display:inline}
.field{display:block;margin:6px 0}.field span{display:block;font-size:12px;color:#646a73}
.field input[type=text],.field textarea,.field select{width:100%;box-sizing:border-box}
.muted{color:#8f959e}.note{color:#8f959e;font-size:12px}
.urgent{color:#d83931;font-size:12px;margin-top:4px}
.flash{background:#fff7e8;border:1px solid #ffc60a;border-radius:8px;padding:8px 12px;margin-bottom:8px}
.flash.error{background:#fde2e2;border-color:#f54a45}
.say{display:flex;gap:8px;max-width:760px}.say textarea{flex:1}
`;

const POLL = `
(function(){var v=document.body.dataset.version;setInterval(function(){
var a=document.activeElement;if(a&&/^(INPUT|TEXTAREA|SELECT)$/.test(a.tagName))return;
fetch('/sandbox/ui/version').then(function(r){return r.json()}).then(function(j){if(String(j.version)!==v)location.reload()}).catch(function(){});
},1500)})();`;

function pageUrl(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `/?${s}` : '/';
}

function renderPage(fake: FakeLark, query: { as?: string; chat?: string; flash?: string; error?: string }): string {
  const people = fake.directory.people;
  const as = query.as && fake.person(query.as) ? query.as : (people[0]?.openId ?? '');
  const chats = fake.chats().slice().sort((a, b) => b.createTime - a.createTime);
  const chat = (query.chat && fake.chat(query.chat)) || chats.find((c) => c.members.includes(as));
  const refused = fake.state.refused.length;

  const personOptions = people
    .map(
      (p) =>
        `<option value="${escapeHtml(p.openId)}"${p.openId === as ? ' selected' : ''}>${escapeHtml(p.name)}${p.roles?.length ? ` (${escapeHtml(p.roles.join(', '))})` : ''}</option>`,
    )
    .join('');
  const chatLinks = chats
    .map((c) => {
      const member = c.members.includes(as);
      return (
        `<a href="${escapeHtml(pageUrl({ as, chat: c.chatId }))}" class="${c.chatId === chat?.chatId ? 'sel' : ''}">` +
        `${escapeHtml(c.name || c.chatId)}<div class="muted">${c.messageIds.length} messages · ${c.members.length} people${member ? '' : ' · not a member'}${c.status === 'dissolved' ? ' · dissolved' : ''}</div></a>`
      );
    })
    .join('');

  let body: string;
  if (!chat) {
    body = `<p class="muted">No chat yet${people.length ? ' for this person' : ''}. Chats appear when the bot creates them.</p>`;
  } else {
    const member = chat.members.includes(as);
    const messages = fake.messagesIn(chat.chatId).map((m) => renderMessage(fake, as, chat, m)).join('');
    const memberNames = chat.members.map((id) => fake.personName(id)).join(', ');
    body =
      `<h2>${escapeHtml(chat.name || chat.chatId)}</h2>` +
      `<p class="muted">${escapeHtml(chat.description)}${chat.description ? '<br>' : ''}<code>${escapeHtml(chat.chatId)}</code> · members: ${escapeHtml(memberNames || '—')}</p>` +
      (messages || '<p class="muted">No messages.</p>') +
      (member
        ? `<form class="say" method="post" action="/sandbox/ui/say"><input type="hidden" name="as" value="${escapeHtml(as)}">` +
          `<input type="hidden" name="chat" value="${escapeHtml(chat.chatId)}">` +
          `<textarea name="text" rows="2" placeholder="Message as ${escapeHtml(fake.personName(as))}" required></textarea>` +
          `<label><input type="checkbox" name="mention" value="1"> @${escapeHtml(fake.botName)}</label><button class="btn primary">Send</button></form>`
        : `<p class="muted">${escapeHtml(fake.personName(as))} is not a member of this chat, so cannot post or press buttons here as in Lark.</p>`);
  }

  const flash = query.error
    ? `<div class="flash error">${escapeHtml(query.error)}</div>`
    : query.flash
      ? `<div class="flash">${escapeHtml(query.flash)}</div>`
      : '';

  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>duban sandbox</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body data-version="${fake.state.version}">
<header><b>duban · Lark sandbox</b>
<form method="get" action="/">${chat ? `<input type="hidden" name="chat" value="${escapeHtml(chat.chatId)}">` : ''}
<label>Act as <select name="as" onchange="this.form.submit()">${personOptions || '<option value="">(no directory)</option>'}</select></label>
<noscript><button>Switch</button></noscript></form>
<span><a href="/sandbox/state">state JSON</a>${refused ? ` · ${refused} refused calls` : ''}</span></header>
<main><nav>${chatLinks || '<p class="muted">No chats yet.</p>'}</nav><section>${flash}${body}</section></main>
<script>${POLL}</script></body></html>`;
}

/** "2024-04-01" from an HTML date input → Lark's "2024-04-01 +0800". */
function larkDate(value: string): string {
  return value ? `${value} +0800` : '';
}

export function mountSandboxUi(app: Hono, fake: FakeLark): void {
  app.get('/', (c) => {
    const q = c.req.query();
    return c.html(renderPage(fake, { as: q.as, chat: q.chat, flash: q.flash, error: q.error }));
  });

  app.get('/sandbox/ui/version', (c) => c.json({ version: fake.state.version }));

  app.post('/sandbox/ui/say', async (c) => {
    const form = await c.req.parseBody();
    const as = String(form.as ?? '');
    const chatId = String(form.chat ?? '');
    const text = String(form.text ?? '').trim();
    const back = (extra: Record<string, string>) => c.redirect(pageUrl({ as, chat: chatId, ...extra }), 303);
    if (!fake.events) return back({ error: 'No event sender is attached to this sandbox.' });
    const chat = fake.chat(chatId);
    if (!chat || !chat.members.includes(as)) return back({ error: 'Not a member of this chat.' });
    if (!text) return back({});
    const result = await fake.events.sendMessageEvent({ chatId, senderOpenId: as, text, mentionBot: form.mention === '1' });
    if (!fake.message(result.messageId)) {
      fake.recordUserMessage({ chatId, senderOpenId: as, text, messageId: result.messageId });
    }
    if (result.status !== 200) return back({ error: `The bot answered HTTP ${result.status || '(no answer)'} to the message event.` });
    return back({});
  });

  app.post('/sandbox/ui/press', async (c) => {
    const form = await c.req.parseBody({ all: true });
    const one = (v: unknown) => String(Array.isArray(v) ? v[0] : (v ?? ''));
    const as = one(form.as);
    const chatId = one(form.chat);
    const messageId = one(form.message);
    const back = (extra: Record<string, string>) => c.redirect(`${pageUrl({ as, chat: chatId, ...extra })}#${encodeURIComponent(messageId)}`, 303);
    if (!fake.events) return back({ error: 'No event sender is attached to this sandbox.' });
    const chat = fake.chat(chatId);
    const message = fake.message(messageId);
    if (!chat || !message) return back({ error: 'That message no longer exists.' });
    if (!chat.members.includes(as)) return back({ error: 'Not a member of this chat.' });
    const ref = collectButtons(message.body)[Number(one(form.button))];
    if (!ref) return back({ error: 'The card changed since the page was drawn; try again.' });

    let formValue: Record<string, unknown> | undefined;
    if (ref.form) {
      formValue = {};
      for (const field of formFields(ref.form)) {
        const name = String(field.name);
        const raw = form[`field:${name}`];
        const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String);
        if (field.tag === 'multi_select_static') formValue[name] = values;
        else if (field.tag === 'checker') formValue[name] = values[0] === 'true';
        else if (field.tag === 'date_picker') {
          if (values[0]) formValue[name] = larkDate(values[0]);
        } else if (field.tag === 'select_static') {
          if (values[0]) formValue[name] = values[0];
        } else formValue[name] = values[0] ?? '';
      }
    }
    const result = await fake.events.pressButton({
      chatId,
      messageId,
      operatorOpenId: as,
      value: buttonValue(ref.button),
      ...(formValue !== undefined && { formValue }),
      ...(typeof ref.button.name === 'string' && { name: ref.button.name }),
    });
    if (result.card !== undefined && !result.cardUpdated && !result.clientError) {
      const outcome = fake.applyCardCallbackResponse(messageId, result.body);
      if (outcome.clientError) result.clientError = outcome.clientError;
    }
    if (result.clientError) return back({ error: `Lark would show error ${result.clientError.code}: ${result.clientError.msg}` });
    const toast = result.toast ? textOf(result.toast) || String(Object.values(result.toast.i18n ?? {})[0] ?? '') : '';
    return back(toast ? { flash: `${result.toast?.type ?? 'info'}: ${toast}` } : {});
  });
}
