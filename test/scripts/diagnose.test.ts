import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// The command as a user runs it: a separate process, JSON on stdout, one line on stderr for a bad file.
function diagnose(file: string) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/diagnose.ts', file], { encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('a scenario is diagnosed through the Kubernetes API test server and printed as one JSON object', () => {
  const { status, stdout } = diagnose('test/fixtures/scenarios/demo-crashloop.json');
  expect(status).toBe(0);
  const out = JSON.parse(stdout);
  expect(out.category).toBe('CrashLoopBackOff');
  expect(out.evidence).toEqual(expect.arrayContaining([expect.stringContaining('panic: dial tcp 10.0.3.7:6379')]));
  expect(out.remediations[0]).toEqual({ action: 'pods_delete', target: { kind: 'Pod', namespace: 'shop', name: 'cart-7d9f8b6c5-x2k4p' }, params: {} });
});

test.each([
  ['missing file', null, /^cannot read .*: ENOENT\n$/],
  ['not JSON', '{"alert":', /is not valid JSON/],
  ['no alert', '{"kubernetes":{}}', /"alert" is required\n$/],
  ['unknown source', '{"alert":{"source":"pagerduty"}}', /alert.source must be 'alertmanager', 'generic' or 'slack'/],
  ['bad payload', '{"alert":{"source":"alertmanager","payload":{"version":"4","alerts":[]}}}', /alert.payload.alerts: must hold at least one alert\n$/],
])('%s: exit 2 and one line saying what is wrong', (_name, content, message) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-scenario-'));
  const file = path.join(dir, 'scenario.json');
  if (content !== null) fs.writeFileSync(file, content);
  const { status, stdout, stderr } = diagnose(file);
  expect(status).toBe(2);
  expect(stdout).toBe('');
  expect(stderr).toMatch(message);
  expect(stderr.trim().split('\n')).toHaveLength(1);
  fs.rmSync(dir, { recursive: true, force: true });
});
