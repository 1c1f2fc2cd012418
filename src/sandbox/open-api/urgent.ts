/** 5.7 urgent (buzz) a message to people in its chat, in the app, by SMS or by phone. */
import { existingChat } from './chats.ts';
import { LarkError, type FakeCore, type RouteInput, type RouteOutput } from './fake-core.ts';
import { existingMessage } from './messages.ts';
import { checkUserIdType, fieldViolation, optionalStringArray, usability } from './request-checks.ts';

export function sendUrgent(core: FakeCore, kind: 'app' | 'sms' | 'phone', { params, query, body }: RouteInput): RouteOutput {
  checkUserIdType(query);
  const userIds = optionalStringArray(body, 'user_id_list');
  if (userIds.length === 0) throw fieldViolation('user_id_list', 'user_id_list is required');
  const message = existingMessage(core, params.message_id);
  if (message.sender.senderType !== 'app' || message.sender.id !== core.appId) {
    throw new LarkError(230012, 'The bot is not the sender of the message.');
  }
  const chat = existingChat(core, message.chatId);
  if (!chat.bots.includes(core.appId)) throw new LarkError(230002, 'The bot can not be outside the group.');
  const invalid = userIds.filter((id) => !chat.members.includes(id) || usability(core, id) !== 'ok');
  const valid = [...new Set(userIds.filter((id) => !invalid.includes(id)))];
  if (valid.length === 0) throw new LarkError(230001, 'Your request contains an invalid request parameter, ext=no valid user in user_id_list');
  if (core.limits.enabled) {
    for (const id of valid) {
      const received = [...core.state.messages.values()].reduce(
        (n, m) => n + m.urgents.filter((u) => u.userIds.includes(id)).length,
        0,
      );
      if (received >= core.limits.maxUrgentsPerUser) throw new LarkError(230023, `The user ${id} has too many unread urgent messages.`);
    }
    if (kind !== 'app') {
      const quota = kind === 'sms' ? core.limits.urgentSmsQuota : core.limits.urgentPhoneQuota;
      const used = [...core.state.messages.values()].reduce(
        (n, m) => n + m.urgents.filter((u) => u.kind === kind).reduce((k, u) => k + u.userIds.length, 0),
        0,
      );
      if (used + valid.length > quota) throw new LarkError(230024, `The tenant's urgent_${kind} quota is used up.`);
    }
  }
  message.urgents.push({ kind, at: core.now(), userIds: valid, invalidUserIds: invalid });
  core.changed();
  return { data: { invalid_user_id_list: invalid } };
}
