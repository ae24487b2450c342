import type { z } from 'zod';
import { InvalidInputError } from '../../core/errors.js';

/** Parses with a zod schema and turns the first problem into one readable line naming the field. */
export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.length ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('') : '';
  const where = field ? field.replace(/^\./, '') : what;
  throw new InvalidInputError(`${where}: ${issue.message}`);
}
