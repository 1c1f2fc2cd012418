/**
 * Events that arrive over Lark's long connection (SPEC §6, API.md §6.3), for the runtime that
 * holds the connection (the SDK's WSClient, on Node). The SDK hands over each event, fragments
 * merged, as the plaintext envelope Lark sent: nothing to decrypt and no signature, because the
 * connection itself was opened with the app secret. What still applies is checked as the webhook
 * checks it — a schema 2.0 envelope, and the verification token when the envelope carries one
 * (Lark authenticated the connection, so an envelope without a token is not refused, but one
 * with another app's token is) — and the envelope goes to the same handlers as the webhook's, with
 * the same dedup. Their answer (a card press's toast and card) goes back in the SDK's
 * acknowledgement. A refused event is logged and thrown: the SDK then acknowledges it with code
 * 500 and Lark delivers it again, as after the webhook's 4xx.
 */
import type { Logger } from '../../adapters/logger.ts';
import { envelopeProblem, tokenProblem, type LarkEnvelope } from './envelope.ts';

export interface LongConnectionEventDeps {
  verificationToken?: string | undefined;
  logger: Logger;
  handle(envelope: LarkEnvelope): Promise<unknown> | unknown;
}

export class RefusedEvent extends Error {
  override name = 'RefusedEvent';
}

export function longConnectionEvents(deps: LongConnectionEventDeps): (data: unknown) => Promise<object> {
  return async (data) => {
    const header = (data as Partial<LarkEnvelope> | null)?.header;
    const carriedToken = header?.token !== undefined && header.token !== '';
    const problem = envelopeProblem(data) ?? (carriedToken ? tokenProblem(header!.token, deps.verificationToken) : undefined);
    if (problem) {
      deps.logger.warn({ eventId: typeof header?.event_id === 'string' ? header.event_id : undefined, reason: problem }, 'lark long-connection event refused');
      throw new RefusedEvent(problem);
    }
    const response = await deps.handle(data as LarkEnvelope);
    return response && typeof response === 'object' ? response : {};
  };
}
