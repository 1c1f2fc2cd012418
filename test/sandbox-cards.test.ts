/**
 * How the sandbox console draws a card (src/sandbox/ui): Lark's markdown, names, chips and font
 * colours become HTML, while anything a person wrote — escaped by duban as entities, or raw HTML
 * sent by anyone — stays text. The update count and the superseded state show on the message.
 */
import { describe, expect, it } from 'vitest';
import type { FakeLark } from '../src/sandbox/fake-lark.ts';
import type { FakeChat, FakeMessage } from '../src/sandbox/sandbox-state.ts';
import { larkMarkdownToHtml } from '../src/sandbox/ui/lark-markdown.ts';
import { renderMessage } from '../src/sandbox/ui/message-html.ts';
import { escapeMarkdown } from '../src/adapters/cards/engine/card-text.ts';

const names: Record<string, string> = { ou_alice: '张立新' };
const md = (text: string) => larkMarkdownToHtml(text, { nameOf: (id) => names[id] ?? id });

describe('card markdown in the sandbox', () => {
  it('draws bold, italics, strike, links, lists, names, chips and font colours', () => {
    expect(md('**领衔代表**：张立新')).toBe('<p><b>领衔代表</b>：张立新</p>');
    expect(md('*注意* ~~旧~~')).toBe('<p><i>注意</i> <s>旧</s></p>');
    expect(md('[文件](https://example.org/a?b=1&c=2)')).toBe('<p><a href="https://example.org/a?b=1&amp;c=2" target="_blank" rel="noreferrer">文件</a></p>');
    expect(md('**承诺事项**\n- 一\n- 二\n1. 甲')).toBe('<p><b>承诺事项</b></p><ul><li>一</li><li>二</li></ul><ol><li>甲</li></ol>');
    expect(md('<at id=ou_alice></at> <at id=all></at>')).toBe('<p><span class="at">@张立新</span> <span class="at">@所有人</span></p>');
    expect(md("<text_tag color='red'>重点督办</text_tag>")).toBe('<p><span class="chip chip-red">重点督办</span></p>');
    expect(md("<font color='green'>**已确认**</font>")).toBe('<p><span class="font-green"><b>已确认</b></span></p>');
    expect(md('一<br>二')).toBe('<p>一<br>二</p>');
  });

  it('keeps what people wrote as text: entities never form markup, raw HTML is escaped', () => {
    const written = '**不是粗体** <text_tag color=red>x</text_tag> <script>alert(1)</script> [x](javascript:alert(1)) <at id=all></at>';
    const html = md(escapeMarkdown(written));
    expect(html).not.toMatch(/<b>|<script|<span|<a /);
    expect(html).toContain('**不是粗体**');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // Raw HTML in a card (not escaped by its sender) is still only text.
    const raw = md('<img src=x onerror=alert(1)> <b onclick=x>hi</b> <text_tag color="red onclick=x">y</text_tag>');
    expect(raw).not.toMatch(/<img|<b |onclick=x>/);
    expect(raw).toContain('&lt;img src=x onerror=alert(1)&gt;');
    // Links only to http(s), lark: and mailto:.
    expect(md('[x](javascript:void(0))')).not.toContain('<a');
    expect(md('[x](data:text/html,hi)')).toBe('<p>x</p>');
    // A private-use character a person sent cannot pose as a decoded entity.
    expect(md('&#42;&#42;a&#42;&#42;\ue000')).toBe('<p>**a**</p>');
  });
});

describe('a card message in the sandbox', () => {
  const fake = { personName: (id: string) => names[id] ?? id, botName: 'duban', pressRefusal: () => undefined } as unknown as FakeLark;
  const chat = { chatId: 'oc_1' } as FakeChat;
  const card = (buttons: boolean, title = '交办通知') => ({
    schema: '2.0',
    header: { template: 'blue', title: { tag: 'plain_text', content: title } },
    body: {
      elements: [
        { tag: 'markdown', content: '**标题** <at id=ou_alice></at>' },
        { tag: 'collapsible_panel', header: { title: { tag: 'markdown', content: '**建议内容**' } }, elements: [{ tag: 'markdown', content: '正文' }] },
        { tag: 'column_set', columns: [{ tag: 'column', elements: [{ tag: 'markdown', content: '左' }] }, { tag: 'column', elements: [{ tag: 'markdown', content: '右' }] }] },
        ...(buttons
          ? [
              { tag: 'button', text: { tag: 'plain_text', content: '签收' }, behaviors: [{ type: 'callback', value: { a: 'sign' } }] },
              {
                tag: 'form',
                name: 'f',
                elements: [
                  { tag: 'input', name: 'reason', required: true, label: { tag: 'plain_text', content: '理由' } },
                  { tag: 'date_picker', name: 'until', placeholder: { tag: 'plain_text', content: '日期' } },
                  { tag: 'select_static', name: 'unit', options: [{ text: { tag: 'plain_text', content: '单位<1>' }, value: 'u1' }] },
                  { tag: 'button', name: 'go', text: { tag: 'plain_text', content: '提交' }, form_action_type: 'submit' },
                ],
              },
            ]
          : []),
      ],
    },
  });
  const message = (body: unknown, revisions: unknown[] = []): FakeMessage =>
    ({
      messageId: 'om_1',
      chatId: 'oc_1',
      msgType: 'interactive',
      content: JSON.stringify(body),
      body,
      originalBody: card(true),
      sender: { id: 'cli_bot', idType: 'app_id', senderType: 'app' },
      createTime: 0,
      updateTime: 0,
      deleted: false,
      updated: revisions.length > 0,
      mentions: [],
      revisions,
      urgents: [],
    }) as unknown as FakeMessage;

  it('draws the header colour, panels, columns, buttons and a form with its inputs, date picker and select', () => {
    const html = renderMessage(fake, 'ou_alice', chat, message(card(true)));
    expect(html).toContain('cardhead t-blue');
    expect(html).toContain('<details class="panel"><summary><p><b>建议内容</b></p></summary>');
    expect(html).toContain('<div class="cols"><div class="col">');
    expect(html).toContain('<span class="at">@张立新</span>');
    expect(html).toContain('>签收</button>');
    expect(html).toContain('type="date"');
    expect(html).toContain('<option value="u1">单位&lt;1&gt;</option>');
    expect(html).not.toContain('superseded');
  });

  it('shows the update count, and a card an update took the buttons from as superseded', () => {
    const revision = { at: 0, content: '', body: card(false, '交办通知（已更新）'), source: 'patch' };
    const html = renderMessage(fake, 'ou_alice', chat, message(card(false, '交办通知（已更新）'), [revision]));
    expect(html).toContain('updated 1×');
    expect(html).toContain('已失效 · superseded');
  });

  it('marks the fields Lark would refuse, and keeps what was filled in', () => {
    const html = renderMessage(fake, 'ou_alice', chat, message(card(true)), { messageId: 'om_1', fields: { reason: '此项为必填项 · This field is required' }, values: { until: '2026-03-01' } });
    expect(html).toContain('<label class="field invalid"><span>理由');
    expect(html).toContain('此项为必填项');
    expect(html).toContain('value="2026-03-01"');
  });
});
