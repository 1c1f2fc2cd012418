/**
 * The knowledge base (SPEC §5 "查 <words>", §7 GET /api/search, the CLI `search`): earlier
 * suggestions and their answers, ranked by relevance. The same search serves every transport;
 * what a result may show is decided in the search store (src/adapters/sqlite/search-index.ts).
 */
import { DomainError } from '../core/errors.ts';
import { queryWords } from '../core/search-text.ts';
import { searchSuggestions, type SearchFilters, type SearchHit } from '../adapters/sqlite/search-index.ts';
import type { SearchResultsModel } from '../adapters/cards/card-model.ts';
import { knowledgeItem } from '../adapters/cards/card-views.ts';
import type { DbOrTx } from '../adapters/sqlite/db.ts';
import type { AppContext } from './context.ts';

export const DEFAULT_SEARCH_LIMIT = 20;
export const MAX_SEARCH_LIMIT = 100;
/** The 查询结果 card lists this many (SPEC §5). */
export const CARD_RESULTS = 5;

export interface SearchRequest extends SearchFilters {
  q: string;
  limit?: number | undefined;
}

/** Refuses a query with no word to look for: one character says too little (and is not indexed alone). */
export function checkQuery(q: string): void {
  if (queryWords(q).length === 0) {
    throw new DomainError(
      'invalid_input',
      '请输入至少两个字的查询词，例如：查 加装电梯',
      `The query needs a word of at least two characters (e.g. 加装电梯); got "${q}"`,
    );
  }
}

/** The operators' search (API, CLI): every suggestion, a classified one by its number and title only. */
export function searchKnowledge(ctx: Pick<AppContext, 'db'>, request: SearchRequest): { query: string; items: SearchHit[] } {
  checkQuery(request.q);
  const limit = request.limit ?? DEFAULT_SEARCH_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_LIMIT) {
    throw new DomainError('invalid_input', `limit 须为 1 到 ${MAX_SEARCH_LIMIT} 的整数`, `limit must be a whole number from 1 to ${MAX_SEARCH_LIMIT}`);
  }
  if (request.year !== undefined && !/^\d{4}$/.test(request.year)) {
    throw new DomainError('invalid_input', `年份须为四位数字：${request.year}`, `year must be four digits (YYYY), got "${request.year}"`);
  }
  const { q: _q, limit: _limit, ...filters } = request;
  return { query: request.q, items: searchSuggestions(ctx.db, request.q, { ...filters, limit }) };
}

/** The 查询结果 card for `@bot 查 <words>` in a group: classified suggestions are left out altogether. */
export function searchResultsCard(db: DbOrTx, q: string): SearchResultsModel {
  return { kind: 'search_results', query: q, results: searchSuggestions(db, q, { limit: CARD_RESULTS, excludeClassified: true }).map(knowledgeItem) };
}
