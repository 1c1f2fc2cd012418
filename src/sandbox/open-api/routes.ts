/** The endpoints the fake answers (API.md §5), each a method and path template with its handler. */
import { addChatMembers, createChat, getChat, removeChatMembers } from './chats.ts';
import type { FakeCore, RouteInput, RouteOutput } from './fake-core.ts';
import { patchMessage, replyMessage, sendMessage } from './messages.ts';
import { issueTenantToken } from './tokens.ts';
import { sendUrgent } from './urgent.ts';

export interface Route {
  method: string;
  /** The path with `:name` parameters, also the key requests are counted under. */
  template: string;
  pattern: RegExp;
  keys: string[];
  /** Whether the call needs a tenant_access_token. */
  auth: boolean;
  handle: (core: FakeCore, input: RouteInput) => RouteOutput;
}

function route(method: string, template: string, handle: Route['handle'], auth = true): Route {
  const keys: string[] = [];
  const source = template.replace(/:([a-z_]+)/g, (_, key: string) => {
    keys.push(key);
    return '([^/]+)';
  });
  return { method, template, pattern: new RegExp(`^${source}$`), keys, auth, handle };
}

export const ROUTES: Route[] = [
  route('POST', '/open-apis/auth/v3/tenant_access_token/internal', issueTenantToken, false),
  route('POST', '/open-apis/im/v1/chats', createChat),
  route('GET', '/open-apis/im/v1/chats/:chat_id', getChat),
  route('POST', '/open-apis/im/v1/chats/:chat_id/members', addChatMembers),
  route('DELETE', '/open-apis/im/v1/chats/:chat_id/members', removeChatMembers),
  route('POST', '/open-apis/im/v1/messages', sendMessage),
  route('POST', '/open-apis/im/v1/messages/:message_id/reply', replyMessage),
  route('PATCH', '/open-apis/im/v1/messages/:message_id', patchMessage),
  route('PATCH', '/open-apis/im/v1/messages/:message_id/urgent_app', (core, input) => sendUrgent(core, 'app', input)),
  route('PATCH', '/open-apis/im/v1/messages/:message_id/urgent_sms', (core, input) => sendUrgent(core, 'sms', input)),
  route('PATCH', '/open-apis/im/v1/messages/:message_id/urgent_phone', (core, input) => sendUrgent(core, 'phone', input)),
];
