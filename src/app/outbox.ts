/** The outbox as operators see it (SPEC §6, §7): every Lark call made or to make, and a retry for a failed one. */
import { listOutbox as list, retryFailed } from '../adapters/sqlite/outbox-store.ts';
import type { AppContext } from './context.ts';

export type OutboxStatus = 'pending' | 'sent' | 'failed' | 'skipped';

export const listOutbox = (ctx: Pick<AppContext, 'db'>, status?: OutboxStatus) => list(ctx.db, status);

/** Puts a failed call back in the queue; false when there is no failed row with this id. */
export const retryOutboxRow = (ctx: Pick<AppContext, 'db' | 'clock'>, id: string): boolean => retryFailed(ctx.db, id, ctx.clock());
