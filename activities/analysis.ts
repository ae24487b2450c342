import type { Alert } from '../core/alert.js';
import type { Diagnosis } from '../core/diagnosis.js';
import type { KubernetesFacts } from '../core/kubernetes-facts.js';
import { analyse } from '../core/runbook.js';

export function createAnalysisActivities() {
  return {
    /** The built-in runbook analyser; an activity so that improving its rules never breaks a running workflow. */
    async runbookDiagnose({ alert, facts }: { alert: Alert; facts: KubernetesFacts }): Promise<Diagnosis> {
      return analyse(alert, facts);
    },
  };
}
