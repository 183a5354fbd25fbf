export type FindProcessErrorCode = 'ENOPID' | 'ENONAME' | 'ENOPORT' | 'EACCES' | 'ENOTSUP';

/** A failed `findProcesses()`: `code` says which, the message says it in one line. */
export class FindProcessError extends Error {
  readonly code: FindProcessErrorCode;
  constructor(code: FindProcessErrorCode, message: string) {
    super(message);
    this.name = 'FindProcessError';
    this.code = code;
  }
}
