import { redact, redactDeep } from '../../core/redact.js';

// Each fixture is built from pieces so no scanner mistakes this file for one holding live secrets.
const slackBot = ['xoxb', '2207451981', '5561034207744', 'hT3kQmV9zL1pXa7RcW2yBn8D'].join('-');
const slackUser = ['xoxp', '1111111111', '2222222222', '3333333333', 'abcdef0123456789abcdef0123456789'].join('-');
const ghp = 'ghp_' + 'R8fKq2LmX9vT4wZ7bN1cY6dH3jS5aP0eG2uV';
const ghPat = 'github_pat_' + '11ABCDEFG0abcdefghijkl_MNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789AB';
const akia = 'AKIA' + 'IOSFODNN7EXAMPLE';
const awsSecret = 'wJalrXUtnFEMI/K7MDENG/' + 'bPxRfiCYEXAMPLEKEY';
const jwt = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.' + 'eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.' +
  'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const anthropic = 'sk-ant-' + 'api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';
const pem = ['-----BEGIN RSA PRIVATE KEY-----', 'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun',
  'VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK', '-----END RSA PRIVATE KEY-----'].join('\n');

const R = '[redacted]';

const changed: [string, string, string][] = [
  ['bearer header in an access log', 'GET /api/orders 401 Authorization: Bearer 8f14e45fceea167a5a36dedd4bea2543 took 3ms',
    `GET /api/orders 401 Authorization: Bearer ${R} took 3ms`],
  ['bearer token alone', 'calling upstream with Bearer abc123.def456-ghi789 (retry 2)', `calling upstream with Bearer ${R} (retry 2)`],
  ['basic auth header', 'proxy-authorization: Basic dXNlcjpodW50ZXIy', `proxy-authorization: Basic ${R}`],
  ['authorization in JSON', '{"headers":{"Authorization":"Bearer s3cr3t-t0ken-value"},"status":401}',
    `{"headers":{"Authorization":"Bearer ${R}"},"status":401}`],
  ['slack bot token', `level=error msg="slack post failed" token=${slackBot} channel=C0123`,
    `level=error msg="slack post failed" token=${R} channel=C0123`],
  ['slack user token without a key', `using ${slackUser} for the export`, `using ${R} for the export`],
  ['aws access key id', `aws: credentials ${akia} not valid in region eu-west-1`, `aws: credentials ${R} not valid in region eu-west-1`],
  ['aws secret env', `AWS_SECRET_ACCESS_KEY=${awsSecret} AWS_REGION=eu-west-1`, `AWS_SECRET_ACCESS_KEY=${R} AWS_REGION=eu-west-1`],
  ['aws secret in ini', `aws_secret_access_key = ${awsSecret}`, `aws_secret_access_key = ${R}`],
  ['github classic token', `git clone https://${ghp}@github.com/acme/shop.git`, `git clone https://${R}@github.com/acme/shop.git`],
  ['github fine-grained token', `GITHUB_TOKEN: "${ghPat}"`, `GITHUB_TOKEN: "${R}"`],
  ['postgres url', 'connecting to postgres://shop:Hunter2!@db.shop.svc:5432/orders?sslmode=require',
    `connecting to postgres://shop:${R}@db.shop.svc:5432/orders?sslmode=require`],
  ['redis url without user', 'redis error at redis://:p4ssw0rd@cache:6379/0: READONLY', `redis error at redis://:${R}@cache:6379/0: READONLY`],
  ['mongodb+srv url', 'MONGO_URL=mongodb+srv://app:zX9%40k@cluster0.abcd.mongodb.net/db', `MONGO_URL=mongodb+srv://app:${R}@cluster0.abcd.mongodb.net/db`],
  ['password pair logfmt', 'level=warn msg="login" user=alice password=hunter2 ip=10.0.0.7', `level=warn msg="login" user=alice password=${R} ip=10.0.0.7`],
  ['password yaml', '  password: changeme', `  password: ${R}`],
  ['JSON secret pair', '{"client_id":"lookout","client_secret":"a1b2c3d4e5","scope":"read"}',
    `{"client_id":"lookout","client_secret":"${R}","scope":"read"}`],
  ['JSON with escaped quote', '{"db_password": "p\\"w1", "ok": true}', `{"db_password": "${R}", "ok": true}`],
  ['query string token', 'GET /callback?code=42&access_token=ya29.a0AfH6SMB&state=xyz 200', `GET /callback?code=42&access_token=${R}&state=xyz 200`],
  ['api key header', 'X-Api-Key: 9b1deb4d3b7d4bad9bdd2b0d7b3dcb6d', `X-Api-Key: ${R}`],
  ['ado connection string', 'Server=tcp:sql.acme.net,1433;Database=shop;User Id=sa;Password=Pa55w0rd;Encrypt=true',
    `Server=tcp:sql.acme.net,1433;Database=shop;User Id=sa;Password=${R};Encrypt=true`],
  ['azure account key', 'DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=q8d9F+2kd0==;EndpointSuffix=core.windows.net',
    `DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=${R};EndpointSuffix=core.windows.net`],
  ['cli flag', 'exec: mysql --user=root --password s3cret -h db', `exec: mysql --user=root --password ${R} -h db`],
  ['jwt', `session cookie ${jwt} expired`, `session cookie ${R} expired`],
  ['anthropic key', `ANTHROPIC_API_KEY=${anthropic}`, `ANTHROPIC_API_KEY=${R}`],
  ['slack webhook url', 'posting to https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX failed',
    `posting to https://hooks.slack.com/services/${R} failed`],
  ['k8s env as JSON', '{"name":"DB_PASSWORD","value":"hunter2"},{"name":"PORT","value":"8080"}',
    `{"name":"DB_PASSWORD","value":"${R}"},{"name":"PORT","value":"8080"}`],
  ['k8s env as YAML', '- name: STRIPE_SECRET\n  value: "abc123"\n- name: PORT\n  value: "8080"',
    `- name: STRIPE_SECRET\n  value: "${R}"\n- name: PORT\n  value: "8080"`],
  ['private key block', `key loaded:\n${pem}\nlistening on :8443`, `key loaded:\n${R}\nlistening on :8443`],
  ['private key in JSON', `{"tls.key":"${pem.replaceAll('\n', '\\n')}","ok":1}`, `{"tls.key":"${R}","ok":1}`],
  ['truncated private key', `${pem.split('\n').slice(0, 2).join('\n')}\n... (truncated)`, `${R}\n... (truncated)`],
];

const unchanged: [string, string][] = [
  ['token bucket', 'token bucket refilled: 100 tokens available'],
  ['passwordless', 'passwordless login enabled for tenant acme'],
  ['token counts', 'llm turn done max_tokens=1024 input_tokens: 812 output_tokens=97'],
  ['metric names', 'password_reset_requests_total{app="auth"} 3'],
  ['k8s secret references', 'secretKeyRef: {name: db-creds, key: password} secretName: tls-cert'],
  ['bearer prose', 'Bearer authentication failed: missing header'],
  ['urls without credentials', 'GET https://api.acme.com:8443/v1/users?page=2 200 (user@example.com)'],
  ['git sha and uuid', 'deployed 3f786850e387550fdab836ed7e6dc881de23001b for 123e4567-e89b-12d3-a456-426614174000'],
  ['working directory', 'PWD=/srv/app HOME=/root'],
  ['placeholders', 'password=${DB_PASSWORD} token: <none> secret=""'],
  ['plain crash log', 'panic: runtime error: invalid memory address or nil pointer dereference [signal SIGSEGV]'],
  ['already redacted', `password=${R} Authorization: Bearer ${R}`],
];

describe('redact', () => {
  test.each(changed)('%s', (_name, input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  test.each(unchanged)('leaves alone: %s', (_name, input) => {
    expect(redact(input)).toBe(input);
  });

  test('is idempotent', () => {
    for (const [, input] of changed) expect(redact(redact(input))).toBe(redact(input));
  });

  test('keeps JSON parseable', () => {
    const json = JSON.stringify({ password: 'hunter2', note: `token=${slackBot}`, env: [{ name: 'API_KEY', value: 'k-123' }] });
    const parsed = JSON.parse(redact(json));
    expect(parsed).toEqual({ password: R, note: `token=${R}`, env: [{ name: 'API_KEY', value: R }] });
  });

  test('stays linear on long runs of key-like characters (100 kB in well under a second)', () => {
    const text = 'a_b-c.d'.repeat(15_000) + ' password=x1';
    const started = performance.now();
    expect(redact(text).endsWith(`password=${R}`)).toBe(true);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  test('redactDeep walks keys and values', () => {
    expect(redactDeep({ [`x ${akia}`]: [`Bearer ${ghp}`, 3, null] })).toEqual({ [`x ${R}`]: [`Bearer ${R}`, 3, null] });
  });
});
