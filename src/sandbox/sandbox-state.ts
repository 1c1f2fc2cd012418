/**
 * What the fake Lark remembers, kept observable for tests and the sandbox UI: chats with their
 * members, messages per chat in order with every update and urgent delivery, request counts per
 * endpoint, and a log of every refused call.
 */

export interface SandboxPerson {
  openId: string;
  name: string;
  roles?: string[];
  /** A resigned user: Lark skips or refuses them when they are added to a chat. */
  resigned?: boolean;
}

export interface SandboxDirectory {
  people: SandboxPerson[];
}

export interface FakeChat {
  chatId: string;
  name: string;
  description: string;
  /** The owner's open_id, or undefined when the bot owns the chat (the default). */
  ownerId: string | undefined;
  /** open_ids of the human members, in the order they joined. */
  members: string[];
  /** app_ids of the bots in the chat; the creating app is one of them until it is removed. */
  bots: string[];
  uuid: string | undefined;
  chatType: 'private' | 'public' | 'p2p';
  chatMode: string;
  groupMessageType: 'chat' | 'thread';
  status: 'normal' | 'dissolved';
  createTime: number;
  /** The message ids of this chat in the order they were stored. */
  messageIds: string[];
}

export interface MessageMention {
  key: string;
  id: string;
  id_type: 'open_id';
  name: string;
  tenant_key: string;
}

export interface MessageRevision {
  at: number;
  /** The raw `content` string. */
  content: string;
  /** `content` parsed as JSON (the card or `{"text":…}`). */
  body: unknown;
  /** Who changed it: the PATCH API, or the card returned by a card-action callback. */
  source: 'patch' | 'callback';
}

export interface UrgentDelivery {
  kind: 'app' | 'sms' | 'phone';
  at: number;
  userIds: string[];
  invalidUserIds: string[];
}

export interface FakeMessage {
  messageId: string;
  chatId: string;
  msgType: string;
  /** The latest raw `content` string (after updates). */
  content: string;
  /** The latest content parsed as JSON. */
  body: unknown;
  /** The content as first sent, parsed (the UI tells what an update changed). */
  originalBody: unknown;
  sender: { id: string; idType: 'app_id' | 'open_id'; senderType: 'app' | 'user' };
  rootId: string | undefined;
  parentId: string | undefined;
  threadId: string | undefined;
  createTime: number;
  updateTime: number;
  deleted: boolean;
  updated: boolean;
  uuid: string | undefined;
  mentions: MessageMention[];
  /** Every update after the first send, oldest first; the latest is also in `content`/`body`. */
  revisions: MessageRevision[];
  urgents: UrgentDelivery[];
}

export interface RefusedCall {
  at: number;
  method: string;
  path: string;
  status: number;
  code: number | undefined;
  msg: string;
  logId: string;
}

export interface IssuedToken {
  token: string;
  issuedAt: number;
  expiresAt: number;
  revoked: boolean;
}

export interface FakeLarkState {
  chats: Map<string, FakeChat>;
  messages: Map<string, FakeMessage>;
  /** Calls per endpoint, keyed like `POST /open-apis/im/v1/messages/:message_id/reply`. */
  requests: Map<string, number>;
  refused: RefusedCall[];
  tokens: IssuedToken[];
  /** Things Lark accepts but that probably do not do what the bot meant. */
  warnings: string[];
  /** Bumped on every change, so the UI can poll cheaply. */
  version: number;
}

export function emptyState(): FakeLarkState {
  return { chats: new Map(), messages: new Map(), requests: new Map(), refused: [], tokens: [], warnings: [], version: 0 };
}

/** A JSON-friendly copy of the state, served at GET /sandbox/state. */
export function snapshotState(state: FakeLarkState) {
  return {
    version: state.version,
    chats: [...state.chats.values()].map((chat) => ({
      ...chat,
      messages: chat.messageIds.map((id) => state.messages.get(id)).filter((m) => m !== undefined),
    })),
    requests: Object.fromEntries(state.requests),
    refused: state.refused,
    warnings: state.warnings,
  };
}

export type SandboxSnapshot = ReturnType<typeof snapshotState>;
