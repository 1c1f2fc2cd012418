/**
 * Proving the audit log untouched (issue 11): `duban audit verify` and `GET /api/audit/verify`
 * walk the hash chain (src/adapters/sqlite/audit-chain.ts). The walk gives the event loop back
 * between pages, so a server answering Lark keeps answering while a long log is checked.
 */
import { auditChainWalk, type AuditVerdict } from '../adapters/sqlite/audit-chain.ts';
import type { AppContext } from './context.ts';

export type { AuditVerdict };

export async function verifyAuditLog(ctx: Pick<AppContext, 'db'>): Promise<AuditVerdict> {
  const walk = auditChainWalk(ctx.db);
  for (;;) {
    const verdict = walk.next();
    if (verdict) return verdict;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

/** One line for an operator, zh_cn then en_us. */
export function describeVerdict(v: AuditVerdict): string {
  if (v.ok) {
    const unsealed = v.unsealed ? `; ${v.unsealed} 条为启用哈希链之前写入 written before the chain began, not covered` : '';
    return `审计日志完好 Audit log intact: ${v.sealed} rows verified${unsealed}; last hash ${v.lastHash || '(none)'}`;
  }
  return `审计日志被改动 Audit log broken at row ${v.brokenSeq}: ${v.reason}`;
}
