/**
 * Every refusal the domain can give, with a code for programs and a message for people
 * (zh_cn first: it is shown as a toast in Lark; en_us beside it for logs and the API).
 */
export type DomainErrorCode =
  | 'not_found'
  | 'forbidden'
  | 'invalid_state'
  | 'invalid_input'
  | 'conflict'
  | 'stale';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    readonly zh: string,
    readonly en: string,
    readonly details?: unknown,
  ) {
    super(`${en} (${zh})`);
    this.name = 'DomainError';
  }
}

export const refuse = (code: DomainErrorCode, zh: string, en: string, details?: unknown): never => {
  throw new DomainError(code, zh, en, details);
};
