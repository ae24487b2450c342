import { ESLint } from 'eslint';

// The lint rules that protect workflow determinism must actually fire.
const eslint = new ESLint({ cwd: process.cwd() });

test('workflow code may not import Node APIs or activity implementations', async () => {
  const code = [
    "import fs from 'node:fs';",
    "import { createActivities } from '../activities/index.js';",
    'export const x = [fs, createActivities];',
  ].join('\n');
  const [result] = await eslint.lintText(code, { filePath: 'workflows/incident.ts' });
  const messages = result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
  expect(messages).toEqual([
    expect.stringContaining('must stay deterministic'),
    expect.stringContaining('activity types only'),
  ]);
});

test('app code may not import the sandbox', async () => {
  const [result] = await eslint.lintText("import { samples } from '../sandbox/samples.js';\nexport const s = samples;\n", { filePath: 'server/app.ts' });
  expect(result.messages.map((m) => m.ruleId)).toContain('no-restricted-imports');
});

test('the tree is lint-clean', async () => {
  const results = await eslint.lintFiles(['core', 'server', 'workflows', 'activities', 'worker', 'db', 'scripts']);
  const problems = results.flatMap((r) => r.messages.map((m) => `${r.filePath}:${m.line} ${m.ruleId}: ${m.message}`));
  expect(problems).toEqual([]);
}, 120_000);
