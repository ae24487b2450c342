import { execFileSync, spawnSync } from 'node:child_process';

// Docker does not run here; docker-compose (installed by scripts/ensure-system-packages.sh) still validates the file.
const env = { ...process.env, SLACK_SIGNING_SECRET: 'x', SLACK_BOT_TOKEN: 'xoxb-x', ENCRYPTION_KEY: 'k' };

test('docker-compose.yml is a valid Compose file with every service Lookout needs', () => {
  const config = execFileSync('docker-compose', ['config'], { env, encoding: 'utf8' });
  for (const service of ['postgresql:', 'temporal:', 'temporal-ui:', 'worker:', 'server:']) expect(config).toContain(`  ${service}`);
  expect(config).toContain('DATABASE_URL: postgres://lookout:lookout@postgresql:5432/lookout');
});

test('the Compose file refuses to start without the Slack secrets', () => {
  const result = spawnSync('docker-compose', ['config', '-q'], { env: { PATH: process.env.PATH }, encoding: 'utf8' });
  expect(result.status).not.toBe(0);
  expect(result.stderr).toContain('set SLACK_SIGNING_SECRET');
});
