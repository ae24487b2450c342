import type { AlertSource, AlertStatus } from '../../../core/alert.js';
import { canonicalJson } from '../../../core/hash.js';
import {
  colourMeaning, firstUrl, knownSeverity, plain, toParsed, type Draft, type MessageView, type ParsedSlackAlerts, type Where,
} from './message.js';

/**
 * Per-alert text in a notification body, as Alertmanager and Grafana templates range over `.Alerts`:
 * - `__text_alert_list` (Alertmanager's default.tmpl, Grafana's default.message): `Value: A=1` (Grafana),
 *   `Labels:` / ` - name = value`, `Annotations:` / ` - name = value`, `Source: url`, `Silence: url`, under
 *   `**Firing**` / `**Resolved**` (Grafana) or `Alerts Firing:` / `Alerts Resolved:` section lines;
 * - the widely used Slack template `*Alert:* summary - \`severity\`` / `*Description:* ...` / `*Details:*` /
 *   ` • *name:* \`value\``.
 */
export interface TextAlert {
  status?: AlertStatus; labels: Record<string, string>; annotations: Record<string, string>;
  summary?: string; description?: string; generatorURL?: string;
}

const SECTION = /^\s*(?:\*{1,2})?(?:alerts\s+)?(firing|resolved)(?:\*{1,2})?:?\s*$/i;
const VALUE = /^\s*Value:\s*(.*)$/;
const HEADING = /^\s*(Labels|Annotations):\s*$/;
const PAIR = /^\s*-\s+([A-Za-z_][\w.\-/]*)\s+=\s?(.*)$/;
const BULLET = /^\s*[•·*-]\s*\*([A-Za-z_][\w.\-/]*):\*\s*(.*)$/;
const FIELD = /^\s*\*([A-Za-z][A-Za-z ]{0,30}):\*\s*(.*)$/;
const LINK = /^\s*(Source|Silence|Dashboard|Panel|Runbook):\s*(\S.*)$/;

function value(raw: string): string {
  const text = plain(raw).trim();
  const quoted = /^`([^`]*)`$/.exec(text);
  return quoted ? quoted[1] : text;
}

export function splitTextAlerts(raw: string): TextAlert[] {
  const alerts: TextAlert[] = [];
  let status: AlertStatus | undefined;
  let current: TextAlert | undefined;
  let mode: 'labels' | 'annotations' | undefined;
  let openedByValue = false;
  const start = (): TextAlert => {
    current = { status, labels: {}, annotations: {} };
    alerts.push(current);
    mode = undefined;
    openedByValue = false;
    return current;
  };

  for (const fullLine of raw.split('\n').slice(0, 3000)) {
    const line = fullLine.slice(0, 4000);
    let m: RegExpExecArray | null;
    if ((m = SECTION.exec(line))) {
      status = m[1].toLowerCase() as AlertStatus;
      current = undefined;
    } else if ((m = VALUE.exec(line))) {
      const a = start();
      openedByValue = true;
      const v = value(m[1]);
      if (v && v !== '[no value]') a.annotations.value = v;
    } else if ((m = HEADING.exec(line))) {
      if (m[1] === 'Labels' && !(current && openedByValue && Object.keys(current.labels).length === 0)) start();
      mode = m[1] === 'Labels' ? 'labels' : 'annotations';
    } else if ((m = PAIR.exec(line)) && current && mode) {
      current[mode][m[1]] ??= value(m[2]);
    } else if ((m = BULLET.exec(line))) {
      (current ?? start()).labels[m[1]] ??= value(m[2]);
    } else if ((m = LINK.exec(line))) {
      const a = current ?? start();
      const url = firstUrl(m[2]) ?? value(m[2]);
      if (m[1] === 'Source') a.generatorURL = url;
      else a.annotations[`${m[1].toLowerCase()}_url`] = url;
    } else if ((m = FIELD.exec(line))) {
      field(m[1].trim().toLowerCase(), m[2], () => current ?? start(), start);
    }
  }
  return alerts.filter((a) => Object.keys(a.labels).length > 0 || a.summary || a.description);
}

/** `*Name:* value` lines of the Slack template: Alert opens a new alert, Details opens its label bullets. */
function field(name: string, raw: string, current: () => TextAlert, start: () => TextAlert): void {
  if (name === 'alert') {
    const a = start();
    const severity = /\s+-\s+`([^`]+)`\s*$/.exec(raw);
    if (severity) a.labels.severity = severity[1];
    a.summary = value(severity ? raw.slice(0, severity.index) : raw);
    return;
  }
  const a = current();
  if (name === 'details') return;
  if (name === 'description' || name === 'summary') a[name] = value(raw);
  else if (name === 'severity') a.labels.severity ??= value(raw);
  else if (name === 'graph' || name === 'source') a.generatorURL = firstUrl(raw) ?? value(raw);
  else if (name === 'runbook') a.annotations.runbook_url = firstUrl(raw) ?? value(raw);
  else a.annotations[name.replace(/\s+/g, '_')] = value(raw);
}

/** True when every alert has labels and no two label sets are equal: only then is one incident per alert safe. */
export function distinguishable(alerts: TextAlert[]): boolean {
  const sets = alerts.map((a) => canonicalJson(a.labels));
  return alerts.every((a) => Object.keys(a.labels).length > 0) && new Set(sets).size === sets.length;
}

/** The labels all alerts share (Alertmanager's CommonLabels). */
export function commonLabels(alerts: TextAlert[]): Record<string, string> {
  if (alerts.length === 0) return {};
  return Object.fromEntries(Object.entries(alerts[0].labels).filter(([k, v]) => alerts.every((a) => a.labels[k] === v)));
}

export interface StatusTitle { status: AlertStatus; name: string; group: string; common: string }

/**
 * `[FIRING:2] KubePodCrashLooping shop (cart warning)` / `[FIRING:1, RESOLVED:1] ...` / `[RESOLVED] ...` (the
 * __subject template). The name is the first group value: alertname sorts first in the usual group_by sets.
 */
export function parseStatusTitle(raw: string): StatusTitle | undefined {
  const m = /^\s*\[(FIRING|RESOLVED)(?::\d+)?(?:,\s*RESOLVED:\d+)?\]\s*(.*)$/i.exec(plain(raw.slice(0, 2000)).replace(/^\*+|\*+$/g, ''));
  if (!m) return undefined;
  const rest = m[2].trim();
  const parts = /^(.*?)\s*\(([^()]*)\)$/.exec(rest);
  const group = (parts ? parts[1] : rest).trim();
  return {
    status: m[1].toLowerCase() as AlertStatus,
    name: group.split(/\s+/)[0] || rest,
    group,
    common: parts ? parts[2].trim() : '',
  };
}

/**
 * A templated notification (title + per-alert body) to alerts: one per alert where their labels tell them apart,
 * else one for the message with the labels they share (or, with only a title, its group values).
 */
export function templatedAlerts(
  source: AlertSource, parts: { title: string; text: string; color?: string; link?: string }, view: MessageView, where: Where,
): ParsedSlackAlerts | undefined {
  const title = parseStatusTitle(parts.title);
  const chunks = splitTextAlerts(parts.text);
  if (!title && chunks.length === 0) return undefined;
  const colour = colourMeaning(parts.color);
  const status = title?.status ?? (colour === 'resolved' ? 'resolved' : 'firing');
  const name = title?.name || plain(parts.title).trim() || 'alert';
  // The default title carries label values without names; a severity word among them is still the severity.
  const titleSeverity = title?.common.split(/\s+/).map(knownSeverity).find((s) => s !== undefined);
  // Colour only says firing or resolved for these senders, so it comes after any severity the alert names.
  const fallback = titleSeverity ?? (colour && colour !== 'resolved' ? colour : undefined) ?? (status === 'resolved' ? 'info' : 'warning');

  const draft = (c: TextAlert, multi: boolean): Draft => ({
    status: (multi ? c.status : undefined) ?? status,
    name: c.labels.alertname ?? name,
    severity: knownSeverity(c.labels.severity) ?? knownSeverity(c.labels.priority) ?? fallback,
    summary: c.annotations.summary ?? c.summary ?? plain(parts.title),
    description: c.annotations.description ?? c.description ?? '',
    labels: c.labels,
    annotations: { ...c.annotations, ...(parts.link ? { link: parts.link } : {}) },
    generatorURL: c.generatorURL,
  });

  if (chunks.length > 1 && distinguishable(chunks)) return toParsed(source, chunks.map((c) => draft(c, true)), view, where);
  const single: TextAlert = chunks.length === 1 ? chunks[0]
    : { labels: commonLabels(chunks), annotations: {}, generatorURL: chunks[0]?.generatorURL };
  if (Object.keys(single.labels).length === 0) {
    single.labels = title ? { alertname: title.name, alertgroup: title.group } : { alertname: name };
    if (title?.common) single.annotations = { ...single.annotations, common_label_values: title.common };
  }
  const one = draft(single, false);
  if (chunks.length > 1 || !one.description) one.description = plain(parts.text).trim() || one.description;
  return toParsed(source, [one], view, where);
}
