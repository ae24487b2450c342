// `npm run alert -- --sample crashloop [--resolve] [--url http://localhost:3000] [--token T]`: sends a sample alert.
import { parseArgs } from 'node:util';
import { samples, sampleWebhook, type SampleName } from '../sandbox/samples.js';

const { values } = parseArgs({
  options: {
    sample: { type: 'string', default: 'crashloop' },
    url: { type: 'string', default: `http://127.0.0.1:${process.env.PORT ?? 3000}` },
    token: { type: 'string', default: process.env.ALERT_WEBHOOK_TOKEN },
    'starts-at': { type: 'string' },
    resolve: { type: 'boolean', default: false },
  },
});

const name = values.sample as SampleName;
if (!(name in samples)) {
  console.error(`unknown sample '${values.sample}': choose one of ${Object.keys(samples).join(', ')}`);
  process.exit(2);
}
const startsAt = values['starts-at'] ? new Date(values['starts-at']) : new Date();
if (Number.isNaN(startsAt.getTime())) {
  console.error(`--starts-at '${values['starts-at']}' is not a date: use an ISO time such as 2026-11-21T06:00:00Z`);
  process.exit(2);
}
const body = sampleWebhook(name, { status: values.resolve ? 'resolved' : 'firing', startsAt });
try {
  const res = await fetch(`${values.url}/alerts/alertmanager`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(values.token ? { authorization: `Bearer ${values.token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  console.log(`${res.status} ${text}`);
  if (!res.ok) process.exitCode = 1;
} catch (err) {
  console.error(`could not reach Lookout at ${values.url}: ${(err as Error).message} (is \`npm start\` running?)`);
  process.exitCode = 1;
}
