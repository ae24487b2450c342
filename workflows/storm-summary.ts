import type { Alert } from '../core/alert.js';
import type { StormMember } from './types.js';

/** "Storm: 14 alerts (KubePodCrashLooping), 14 pods affected in shop" — the line the first alert's message carries. */
export function stormSummaryLine(first: Alert, members: readonly StormMember[]): string {
  const alerts = [first, ...members.map((m) => m.alert)];
  const names = [...new Set(alerts.map((a) => a.name))];
  const pods = new Set(alerts.flatMap((a) => (a.target.pod ? [`${a.target.namespace ?? ''}/${a.target.pod}`] : [])));
  const namespaces = [...new Set(alerts.flatMap((a) => (a.target.namespace ? [a.target.namespace] : [])))];
  const what = names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
  const where = namespaces.length ? ` in ${namespaces.length <= 3 ? namespaces.join(', ') : `${namespaces.length} namespaces`}` : '';
  const pods_ = pods.size ? `, ${pods.size} pod${pods.size === 1 ? '' : 's'} affected` : '';
  return `:cyclone: Storm: ${alerts.length} alerts (${what})${pods_}${where}. Later alerts join this thread.`;
}
