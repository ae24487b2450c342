import type { Migration } from '../db/migrate.js';
import * as initial from './0001-initial.js';
import * as pacingFeedback from './0002-pacing-feedback.js';
import * as auditColumns from './0003-audit-columns.js';
import * as storms from './0004-storms.js';
import * as stormsDropThreadTs from './0005-storms-drop-thread-ts.js';

/** Every migration, oldest first; an explicit list works the same under tsx, jest and bundlers, unlike a glob. */
export const migrations: readonly Migration[] = [
  { name: '0001-initial', ...initial },
  { name: '0002-pacing-feedback', ...pacingFeedback },
  { name: '0003-audit-columns', ...auditColumns },
  { name: '0004-storms', ...storms },
  { name: '0005-storms-drop-thread-ts', ...stormsDropThreadTs },
];
