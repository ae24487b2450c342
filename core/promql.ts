import type { Alert } from './alert.js';

export interface AlertQuery {
  /** The expression to chart: the rule's expression without its final comparison. */
  query: string;
  /** The number the rule compares against, drawn as the threshold line. */
  threshold?: number;
}

const num = String.raw`-?\d+(?:\.\d+)?(?:e[+-]?\d+)?`;
// A threshold is a number or, as kubernetes-mixin writes some, two numbers and an operator in parentheses.
const threshold = String.raw`${num}|\(\s*${num}\s*[-+*/]\s*${num}\s*\)`;
const comparison = new RegExp(String.raw`^(.*\S)\s*(>=|<=|==|!=|>|<)\s*(?:bool\s+)?(${threshold})\s*$`, 'is');

/**
 * The PromQL behind an alert: Prometheus puts the rule's expression in the generator URL (`graph?g0.expr=...`);
 * an explicit `query` annotation wins. A trailing `> 0.5` (or `> (25 / 100)`) becomes the threshold.
 */
export function alertQuery(alert: Pick<Alert, 'generatorURL' | 'annotations'>): AlertQuery | undefined {
  const expr = alert.annotations.query ?? exprFromUrl(alert.generatorURL);
  if (!expr?.trim()) return undefined;
  const match = comparison.exec(expr.trim());
  if (!match || !balanced(match[1])) return { query: expr.trim() };
  const threshold = constant(match[3]);
  if (threshold === undefined) return { query: expr.trim() };
  return { query: stripParens(match[1].trim()), threshold };
}

/** `0.5` or `(25 / 100)`; undefined when not a finite number. */
function constant(text: string): number | undefined {
  const parts = /^\(\s*(\S+?)\s*([-+*/])\s*(\S+)\s*\)$/.exec(text);
  if (!parts) return Number(text);
  const [a, b] = [Number(parts[1]), Number(parts[3])];
  const value = { '+': a + b, '-': a - b, '*': a * b, '/': a / b }[parts[2] as '+' | '-' | '*' | '/'];
  return Number.isFinite(value) ? Number(value.toPrecision(12)) : undefined;
}

function exprFromUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).searchParams.get('g0.expr') ?? undefined;
  } catch {
    return undefined;
  }
}

/** The comparison must be at the top level: `sum(x > 1)` has none to take off. */
function balanced(text: string): boolean {
  let depth = 0;
  for (const c of text) {
    if (c === '(' || c === '{' || c === '[') depth += 1;
    if (c === ')' || c === '}' || c === ']') depth -= 1;
    if (depth < 0) return false;
  }
  return depth === 0;
}

function stripParens(text: string): string {
  return text.startsWith('(') && text.endsWith(')') && balanced(text.slice(1, -1)) ? text.slice(1, -1).trim() : text;
}
