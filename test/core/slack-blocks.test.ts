import type { Diagnosis, Remediation } from '../../core/diagnosis.js';
import type { ReportView } from '../../core/incident.js';
import { renderReport, type ButtonValue } from '../../core/slack-blocks.js';
import { blocksToHtml } from '../../sandbox/slack/blocks-html.js';
import { crashLoopAlert } from '../fixtures/alerts.js';

type Block = { type: string; block_id?: string; text?: { type: string; text: string }; elements?: { type: string; text?: unknown; action_id?: string; value?: string }[] };

const patch: Remediation = {
  id: 'p1', action: 'resources_patch', target: { kind: 'Deployment', namespace: 'shop', name: 'api' },
  params: { container: 'api', limits: { memory: '384Mi' } }, rationale: 'The container was OOMKilled at its 256Mi limit.',
};
const deletePod: Remediation = {
  id: 'p2', action: 'pods_delete', target: { kind: 'Pod', namespace: 'shop', name: 'api-5c9-abcde', uid: 'u1' }, params: {},
  rationale: 'A fresh pod starts with an empty heap.',
};

function diagnosis(overrides: Partial<Diagnosis> = {}): Diagnosis {
  return {
    category: 'CrashLoopBackOff', summary: 'cart restarts 14 times: Redis refused connections at start-up.',
    evidence: ['restartCount 14', 'log: dial tcp 10.0.3.7:6379: connect: connection refused'], remediations: [patch, deletePod],
    ...overrides,
  };
}

function view(overrides: Partial<ReportView> = {}): ReportView {
  return {
    workflowId: 'incident-am-1', alert: crashLoopAlert(), diagnosis: diagnosis(), decisions: [], outcomes: [],
    auditUrl: 'http://127.0.0.1:8233/namespaces/default/workflows/incident-am-1', ...overrides,
  };
}

const blocksOf = (v: ReportView) => renderReport(v).blocks as Block[];
const texts = (blocks: Block[]) => blocks.flatMap((b) => [b.text?.text ?? '', ...(b.elements ?? []).map((e) => (e.type === 'mrkdwn' ? String((e as { text: string }).text) : ''))]);
const contextTexts = (blocks: Block[]) => blocks.filter((b) => b.type === 'context').map((b) => texts([b]).join(''));

test('the header names severity, alert and category; root cause, engine and fallback text follow', () => {
  const message = renderReport(view({
    diagnosis: diagnosis({
      rootCause: 'The cart pod started before Redis was ready and exits on a refused connection.',
      engine: { kind: 'llm', model: 'claude-sonnet-4-5', turns: 4, toolCalls: 7, inputTokens: 18250, outputTokens: 900 },
    }),
  }));
  const blocks = message.blocks as Block[];
  expect(blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '🚨 CRITICAL · KubePodCrashLooping — CrashLoopBackOff', emoji: true } });
  expect(blocks[1].text?.text).toBe('cart restarts 14 times: Redis refused connections at start-up.');
  expect(blocks[2].text?.text).toBe('*Evidence*\n• restartCount 14\n• log: dial tcp 10.0.3.7:6379: connect: connection refused');
  expect(blocks[3].text?.text).toBe('*Root cause*\nThe cart pod started before Redis was ready and exits on a refused connection.');
  expect(contextTexts(blocks)[0]).toBe('Diagnosed by claude-sonnet-4-5 in 4 turns, 7 tool calls, 18,250 input tokens');
  expect(message.text).toMatch(/^Diagnosis for KubePodCrashLooping: CrashLoopBackOff\. cart restarts 14 times/);
  expect(message.text).toContain('Root cause: The cart pod started before Redis');
});

test('a warning without root cause says the runbook analyser diagnosed it, and passes on the engine note', () => {
  const plain = blocksOf(view({ alert: crashLoopAlert({ severity: 'warning' }) }));
  expect(plain[0].text?.text).toBe('⚠️ WARNING · KubePodCrashLooping — CrashLoopBackOff');
  expect(texts(plain).some((t) => t.includes('Root cause'))).toBe(false);
  expect(contextTexts(plain)[0]).toBe('Diagnosed by the runbook analyser');

  const fellBack = blocksOf(view({
    diagnosis: diagnosis({ engine: { kind: 'runbook', note: "The LLM failed (rate limited); this is the runbook analyser's diagnosis." } }),
  }));
  expect(contextTexts(fellBack)[0]).toBe("Diagnosed by the runbook analyser. The LLM failed (rate limited); this is the runbook analyser's diagnosis.");
});

test('each proposal says what it changes and shows its dry-run preview above the Approve/Reject buttons', () => {
  const blocks = blocksOf(view({
    previews: {
      p1: { ok: true, text: 'container api: memory limit 256Mi → 384Mi; the pods roll one by one (dry run accepted)' },
      p2: { ok: false, text: 'dry run refused: the service account may not delete pods in shop (403)' },
    },
  }));
  const p1 = blocks.find((b) => b.block_id === 'proposal_p1')!.text!.text;
  expect(p1).toBe('*Recommended:* patch deployment `shop/api`: memory limit → 384Mi on container `api`\n'
    + 'The container was OOMKilled at its 256Mi limit.\n'
    + '✓ container api: memory limit 256Mi → 384Mi; the pods roll one by one (dry run accepted)');
  const p2 = blocks.find((b) => b.block_id === 'proposal_p2')!.text!.text;
  expect(p2).toContain('*Alternative:* delete pod `shop/api-5c9-abcde`');
  expect(p2).toContain('⚠ dry run refused: the service account may not delete pods in shop (403)');

  const actions = blocks.filter((b) => b.type === 'actions');
  expect(actions.map((a) => a.elements!.map((e) => e.action_id))).toEqual([['approve_p1', 'reject_p1'], ['approve_p2', 'reject_p2']]);
  expect(JSON.parse(actions[0].elements![0].value!) as ButtonValue).toEqual({ workflowId: 'incident-am-1', proposalId: 'p1' });
  // Preview, then buttons: the person reads the forecast before the button.
  expect(blocks.indexOf(actions[0])).toBeGreaterThan(blocks.findIndex((b) => b.block_id === 'proposal_p1'));
});

test('once a proposal ran, its outcome replaces the preview and the buttons go', () => {
  const blocks = blocksOf(view({
    previews: { p1: { ok: true, text: 'memory limit 256Mi → 384Mi (dry run accepted)' } },
    decisions: [{ proposalId: 'p1', decision: 'approve', userId: 'U0ALICE', at: '2026-11-21T05:10:00Z', via: 'button' }],
    outcomes: [{ proposalId: 'p1', ok: true, summary: 'Deployment shop/api patched.' }],
    closedReason: 'Remediated.',
  }));
  expect(blocks.find((b) => b.block_id === 'proposal_p1')!.text!.text).not.toContain('dry run accepted');
  expect(contextTexts(blocks)).toEqual(expect.arrayContaining([
    ':white_check_mark: Approved by <@U0ALICE> at 05:10 UTC', ':white_check_mark: Deployment shop/api patched.',
  ]));
  expect(blocks.some((b) => b.type === 'actions')).toBe(false);
});

test('model and cluster text cannot inject mentions or links, and unsafe link URLs are dropped', () => {
  const hostile = '<!channel> <https://evil.example|click> & co';
  const message = renderReport(view({
    alert: crashLoopAlert({ name: 'Kube<!here>' }),
    diagnosis: diagnosis({
      summary: hostile, evidence: [hostile], rootCause: hostile,
      engine: { kind: 'llm', model: '<!channel>', turns: 1, toolCalls: 0, inputTokens: 1, outputTokens: 1, note: hostile },
      remediations: [{ ...patch, rationale: hostile, target: { kind: 'Deployment', namespace: 'shop', name: 'a`<!here>' }, params: { container: '<@U1>', limits: { memory: '<!channel>' } } }],
    }),
    previews: { p1: { ok: false, text: hostile } },
    links: [
      { label: 'Grafana <!here>|x', url: 'https://grafana.example/d/1' },
      { label: 'bad', url: 'javascript:alert(1)' },
      { label: 'angle', url: 'https://x.example/a>b' },
      { label: 'pipe', url: 'https://x.example/a|b' },
    ],
  }));
  const blocks = message.blocks as Block[];
  // The header is plain_text, which Slack never parses for mentions; everything else is mrkdwn and must be escaped.
  expect(blocks[0].text).toEqual(expect.objectContaining({ type: 'plain_text', text: '🚨 CRITICAL · Kube<!here> — CrashLoopBackOff' }));
  const all = [message.text, ...texts(blocks.slice(1))].join('\n');
  for (const raw of ['<!channel>', '<!here>', '<https://evil', '<@U1>']) expect(all).not.toContain(raw);
  expect(all).toContain('&lt;!channel&gt; &lt;https://evil.example|click&gt; &amp; co');
  const links = contextTexts(blocks).at(-1)!;
  expect(links).toBe('<https://grafana.example/d/1|Grafana &lt;!here&gt;/x> · <https://x.example/a%3Eb|angle> · <https://x.example/a%7Cb|pipe> · '
    + '<http://127.0.0.1:8233/namespaces/default/workflows/incident-am-1|Audit trail in Temporal> · incident `incident-am-1`');
  expect(links).not.toContain('javascript:');
});

test('Block Kit limits hold for huge diagnoses: ≤ 50 blocks, sections ≤ 3000, header ≤ 150', () => {
  const long = 'x'.repeat(5000);
  const remediations = Array.from({ length: 40 }, (_, i) => ({ ...deletePod, id: `p${i + 1}`, rationale: long }));
  const message = renderReport(view({
    alert: crashLoopAlert({ name: 'A'.repeat(300) }),
    diagnosis: diagnosis({ summary: long, rootCause: long, evidence: Array.from({ length: 200 }, () => `<${long}>`), remediations }),
    previews: Object.fromEntries(remediations.map((r) => [r.id, { ok: true, text: long }])),
  }), 'sandbox banner');
  const blocks = message.blocks as Block[];
  expect(blocks.length).toBeLessThanOrEqual(50);
  expect((blocks[0].text!.text).length).toBeLessThanOrEqual(150);
  for (const b of blocks) if (b.type === 'section') expect(b.text!.text.length).toBeLessThanOrEqual(3000);
  expect(blocks.find((b) => b.text?.text.startsWith('*Evidence*'))!.text!.text).toMatch(/_…and \d+ more_$/);
  expect(contextTexts(blocks)).toEqual(expect.arrayContaining([expect.stringMatching(/^\d+ more proposals not shown/), 'sandbox banner']));
  expect(blocks.filter((b) => b.type === 'actions').length).toBeGreaterThan(5);
  expect(message.text.length).toBeLessThanOrEqual(3000);
});

test('the sandbox Slack page renders the header, the preview and the links', () => {
  const { blocks } = renderReport(view({
    previews: { p1: { ok: true, text: 'memory limit 256Mi → 384Mi (dry run accepted)' } },
    links: [{ label: 'Prometheus graph', url: 'http://127.0.0.1:9090/graph?g0.expr=up' }],
  }));
  const html = blocksToHtml(blocks, { channel: 'C1', ts: '1.0', userName: (id) => id, channelName: (id) => id });
  expect(html).toContain('<div class="blk-header">🚨 CRITICAL · KubePodCrashLooping — CrashLoopBackOff</div>');
  expect(html).toContain('✓ memory limit 256Mi → 384Mi (dry run accepted)');
  expect(html).toMatch(/<a [^>]*href="http:\/\/127\.0\.0\.1:9090\/graph\?g0\.expr=up"[^>]*>Prometheus graph<\/a>/);
  expect(html).toContain('data-action-id="approve_p1"');
});
