/**
 * The sandbox page: act as a person from the directory, the chats on the left, the chosen chat's
 * messages and a box to post as that person. It reloads itself when the fake's state changes.
 */
import type { FakeLark } from '../fake-lark.ts';
import type { FakeChat } from '../sandbox-state.ts';
import { escapeHtml } from './escape-html.ts';
import { formatTime, renderMessage, type CardProblems } from './message-html.ts';

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
.md p{margin:0 0 4px}.md ul,.md ol{margin:2px 0 4px;padding-left:22px}.md h3,.md h4,.md h5,.md h6{margin:4px 0}.md a{color:#3370ff}
.plain{white-space:pre-wrap}
.at{color:#3370ff}
.chip{display:inline-block;padding:0 6px;margin:0 2px;border-radius:4px;font-size:12px;line-height:20px;background:#eff0f1;color:#646a73}
.chip-blue,.chip-wathet,.chip-indigo{background:#e1eaff;color:#245bdb}.chip-green,.chip-turquoise,.chip-lime{background:#d9f5d6;color:#237b19}
.chip-red,.chip-carmine{background:#fde2e2;color:#d83931}.chip-orange,.chip-yellow{background:#feead2;color:#b35900}
.chip-violet,.chip-purple{background:#ece2fe;color:#6425d0}
.font-red,.font-carmine{color:#f54a45}.font-green{color:#2ea121}.font-blue{color:#3370ff}.font-orange,.font-yellow{color:#ff8800}.font-grey{color:#8f959e}
.font-violet,.font-purple{color:#7f3bf5}
.cardtitle{margin-right:6px}.subtitle{font-size:12px;color:#646a73}
details.panel{border:1px solid #dee0e3;border-radius:6px;padding:4px 8px}details.panel summary{cursor:pointer}
.badge{display:inline-block;padding:0 6px;border-radius:4px;font-size:11px;background:#eff0f1;color:#646a73}
.badge.superseded{background:#fde2e2;color:#d83931}
.field.invalid input,.field.invalid textarea,.field.invalid select{border-color:#f54a45}
.fielderror{display:block;color:#f54a45;font-size:12px;font-style:normal}.req{color:#f54a45;font-style:normal}
.carderror{background:#fde2e2;color:#d83931;padding:6px 12px;font-size:12px}
.toast{position:fixed;top:16px;left:50%;transform:translateX(-50%);z-index:10;padding:8px 16px;border-radius:8px;background:#fff;
box-shadow:0 4px 16px rgba(31,35,41,.2);border-left:4px solid #3370ff;max-width:80%}
.toast-success{border-left-color:#34c724}.toast-warning{border-left-color:#ff8800}.toast-error{border-left-color:#f54a45}
`;

// Reloads when the fake's state changes, unless the person is typing, has filled in a form, or
// has just pressed (a reload would abandon the press's answer, and with it the toast).
const POLL = `
(function(){var v=document.body.dataset.version,dirty=false,hold=function(){dirty=true};
document.addEventListener('input',hold);document.addEventListener('change',hold);document.addEventListener('submit',hold);
setInterval(function(){
var a=document.activeElement;if(dirty||(a&&/^(INPUT|TEXTAREA|SELECT)$/.test(a.tagName)))return;
fetch('/sandbox/ui/version').then(function(r){return r.json()}).then(function(j){if(String(j.version)!==v)location.reload()}).catch(function(){});
},1500)})();`;

export function pageUrl(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `/?${s}` : '/';
}

/** What a member can do to the chat itself (chat-controls.ts): the bot hears of it as from Lark. */
function chatActions(fake: FakeLark, as: string, chat: FakeChat): string {
  const botIn = chat.bots.includes(fake.appId);
  const actions: Array<[string, string]> = [
    botIn ? ['remove-bot', `移出机器人 Remove ${fake.botName}`] : ['add-bot', `拉入机器人 Add ${fake.botName}`],
    ['remove-member', '退出群聊 Leave'],
    ['disband', '解散群聊 Disband'],
  ];
  const form = ([action, label]: [string, string]) =>
    `<form class="inline" method="post" action="/sandbox/ui/chat-action"><input type="hidden" name="as" value="${escapeHtml(as)}">` +
    `<input type="hidden" name="chat" value="${escapeHtml(chat.chatId)}"><input type="hidden" name="action" value="${action}">` +
    `<button class="btn">${escapeHtml(label)}</button></form>`;
  return `<p class="note">${actions.map(form).join('')}</p>`;
}

export interface PageQuery {
  as?: string | undefined;
  chat?: string | undefined;
  flash?: string | undefined;
  error?: string | undefined;
  /** `type: text` of the toast the bot answered a press with. */
  toast?: string | undefined;
  /** What the last press left to show on its card (mount-ui's press). */
  problems?: CardProblems | undefined;
}

export function renderPage(fake: FakeLark, query: PageQuery): string {
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
    const messages = fake.messagesIn(chat.chatId).map((m) => renderMessage(fake, as, chat, m, query.problems)).join('');
    const memberNames = chat.members.map((id) => fake.personName(id)).join(', ');
    body =
      `<h2>${escapeHtml(chat.name || chat.chatId)}</h2>` +
      `<p class="muted">${escapeHtml(chat.description)}${chat.description ? '<br>' : ''}<code>${escapeHtml(chat.chatId)}</code> · members: ${escapeHtml(memberNames || '—')}` +
      `${chat.bots.includes(fake.appId) ? '' : ` · <b>${escapeHtml(fake.botName)} is not in this chat</b>`}${chat.status === 'dissolved' ? ' · <b>disbanded</b>' : ''}</p>` +
      (member && chat.status === 'normal' ? chatActions(fake, as, chat) : '') +
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
  const toastMatch = query.toast ? /^(success|info|warning|error): ([\s\S]*)$/.exec(query.toast) : null;
  const toast = query.toast
    ? `<div class="toast toast-${toastMatch ? toastMatch[1] : 'info'}" role="status">${escapeHtml(toastMatch ? toastMatch[2] : query.toast)}</div>`
    : '';

  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>duban sandbox</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body data-version="${fake.state.version}">
<header><b>duban · Lark sandbox</b>
<form method="get" action="/">${chat ? `<input type="hidden" name="chat" value="${escapeHtml(chat.chatId)}">` : ''}
<label>Act as <select name="as" onchange="this.form.submit()">${personOptions || '<option value="">(no directory)</option>'}</select></label>
<noscript><button>Switch</button></noscript></form>
<form method="post" action="/sandbox/ui/clock"><input type="hidden" name="as" value="${escapeHtml(as)}">${chat ? `<input type="hidden" name="chat" value="${escapeHtml(chat.chatId)}">` : ''}
<label title="Cards age with it: past 14 days Lark no longer lets them be pressed or updated">Sandbox time ${escapeHtml(formatTime(fake.clock().getTime()))}${fake.clock.movedMs > 0 ? ` (moved ${escapeHtml(String(Math.round((fake.clock.movedMs / 86_400_000) * 100) / 100))} days)` : ''}</label>
<input name="days" type="number" min="0.01" step="any" value="1" style="width:4em"> days <button class="btn">Advance</button></form>
<form method="post" action="/sandbox/ui/private-chat"><input type="hidden" name="as" value="${escapeHtml(as)}"><button class="btn" title="Write to the bot in private: 我的待办, 我的建议">Private chat with ${escapeHtml(fake.botName)}</button></form>
<span><a href="/sandbox/state">state JSON</a>${refused ? ` · ${refused} refused calls` : ''}</span></header>
<main><nav>${chatLinks || '<p class="muted">No chats yet.</p>'}</nav><section>${flash}${body}</section></main>${toast}
<script>${POLL}</script></body></html>`;
}

