import { sleep } from '@temporalio/activity';
import type { Alert } from '../core/alert.js';
import { firstAttemptAt } from './attempt.js';
import type { createSlackActivities } from './slack.js';
import type { createStoreActivities } from './store.js';

type Slack = ReturnType<typeof createSlackActivities>;
type Store = ReturnType<typeof createStoreActivities>;

/** The Slack and store activities openIncident is made of (real ones in the worker, recording fakes in tests). */
export type OpenIncidentParts = Pick<Slack, 'postAlert' | 'addReaction' | 'postThreadMessage'>
  & Pick<Store, 'recordIncident' | 'findIncidentMessages' | 'noteIncidentMessages'>;

export interface OpenIncidentInput {
  workflowId: string;
  teamId?: string;
  /** Where to post the alert when it is not already a Slack message. */
  channel: string;
  alert: Alert;
  /** The thread message shown while the investigation runs; the report replaces it. */
  investigating: string;
  /** The index row exists already (a storm's incidents write it before joining the storm). */
  indexed?: boolean;
}

/** Tries at writing a posted message's ts before the activity fails (and its retry posts again). */
const NOTE_ATTEMPTS = 3;

export interface OpenedIncident {
  channel: string;
  alertTs: string;
  /** The "Investigating…" message, later the report. */
  progressTs: string;
}

/**
 * An incident's first step, one activity so that an alert shows in Slack after a single task even when hundreds of
 * incidents are being investigated: the index row, the alert message (unless the alert already is a Slack message), the
 * :eyes: reaction and the "Investigating…" message in its thread. Posting to Slack is not idempotent, so each message's
 * ts is written to the index row as soon as it is posted (tried a few times, as a lost ts means a second post), and a
 * retry reads them back and posts nothing twice. (Incident workflow IDs are never reused, so a row found on a retry is
 * this incident's own.)
 */
export function createOpenIncidentActivity(parts: OpenIncidentParts) {
  /** Writes a posted message's ts, trying again after a short wait: a ts that is not written is posted twice. */
  async function note(input: Parameters<OpenIncidentParts['noteIncidentMessages']>[0]): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await parts.noteIncidentMessages(input);
      } catch (err) {
        if (attempt >= NOTE_ATTEMPTS) throw err;
        await sleep(100 * 4 ** (attempt - 1));
      }
    }
  }

  return {
    async openIncident({ workflowId, teamId, channel, alert, investigating, indexed = false }: OpenIncidentInput): Promise<OpenedIncident> {
      // Only a retry can find messages already posted.
      const earlier = firstAttemptAt() !== undefined ? await parts.findIncidentMessages({ workflowId }) : undefined;
      if (!earlier && !indexed) {
        await parts.recordIncident({
          workflowId, teamId, alert, status: 'investigating', channel: alert.slack?.channel ?? channel, alertTs: alert.slack?.ts,
          approvedBy: [], event: { type: 'status.investigating', detail: {} },
        });
      }
      let where = alert.slack ?? (earlier?.alertTs ? { channel: earlier.channel ?? channel, ts: earlier.alertTs } : undefined);
      if (!where) {
        where = await parts.postAlert({ teamId, channel, alert });
        await note({ workflowId, channel: where.channel, alertTs: where.ts });
      }
      await parts.addReaction({ teamId, channel: where.channel, ts: where.ts, name: 'eyes' });
      let progressTs = earlier?.reportTs;
      if (!progressTs) {
        ({ ts: progressTs } = await parts.postThreadMessage({ teamId, channel: where.channel, threadTs: where.ts, text: investigating }));
        await note({ workflowId, channel: where.channel, reportTs: progressTs });
      }
      return { channel: where.channel, alertTs: where.ts, progressTs };
    },
  };
}
