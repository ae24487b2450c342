import type { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { incidentSearchAttributes } from '../workflows/search-attributes.js';

// @temporalio/proto is CommonJS: take the namespace from its default export.
const { IndexedValueType } = proto.temporal.api.enums.v1;
const indexedType = { KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD, KEYWORD_LIST: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST };

/**
 * Registers the incident search attributes in the namespace when they are missing. Safe to call on every start:
 * existing attributes are left alone, so it works the same on the dev server and on a shared cluster.
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set(Object.keys(existing.customAttributes ?? {}));
  const missing = incidentSearchAttributes.filter((key) => !known.has(key.name));
  if (missing.length === 0) return;
  const searchAttributes = Object.fromEntries(
    missing.map((key) => [key.name, indexedType[key.type as keyof typeof indexedType]]),
  );
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
  } catch (err) {
    // Another process registering at the same moment is fine; anything else is not.
    if (!/already exists/i.test(String((err as Error).message))) throw err;
  }
}
