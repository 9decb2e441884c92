import { type FieldError, invalid, required } from './errors.js';
import { qualifiedNameErrors } from './selectors.js';

export { type FieldError, invalid, required };

export function qualifiedNameToFieldErrors(path: string, key: string): FieldError[] {
  return qualifiedNameErrors(key).map((msg) => invalid(path, key, msg));
}

export function tooLongTotal(path: string, max: number): FieldError {
  return { type: 'FieldValueTooLong', field: path, detail: `must have at most ${max} bytes` };
}
