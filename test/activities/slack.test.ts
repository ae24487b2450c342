import { ApplicationFailure } from '@temporalio/common';
import { createSlackActivities, type SlackApi } from '../../activities/slack.js';

/** A client whose chat.postMessage fails the way @slack/web-api reports a Slack error. */
function failingSlack(error: unknown): SlackApi {
  const fail = async () => { throw error; };
  return { chat: { postMessage: fail, update: fail, postEphemeral: fail }, reactions: { add: fail, remove: fail }, filesUploadV2: fail } as unknown as SlackApi;
}
const platformError = (code: string) => Object.assign(new Error(`An API error occurred: ${code}`), { code: 'slack_webapi_platform_error', data: { ok: false, error: code } });

const post = (error: unknown) => createSlackActivities({ slackFor: async () => failingSlack(error), auditUrl: () => 'x' })
  .postChannelMessage({ channel: 'C1', text: 'hi' });

test.each([
  ['not_in_channel', '/invite @Lookout'],
  ['channel_not_found', 'check the channel ID'],
  ['missing_scope', 'reinstall it with the scopes in slack/manifest.yml'],
  ['invalid_auth', 'reinstall the app or fix SLACK_BOT_TOKEN'],
  ['account_inactive', 'reinstall the app'],
])('Slack error %s fails for good with what to do', async (code, advice) => {
  const failure = await post(platformError(code)).catch((e: unknown) => e);
  expect(failure).toBeInstanceOf(ApplicationFailure);
  expect(failure).toMatchObject({ type: 'SlackError', nonRetryable: true });
  expect((failure as Error).message.startsWith(`Slack chat.postMessage failed (${code}): `)).toBe(true);
  expect((failure as Error).message).toContain(advice);
});

test('a rate-limited call is retried after exactly the Retry-After Slack sent', async () => {
  const limited = Object.assign(new Error('rate limited'), { code: 'slack_webapi_rate_limited_error', retryAfter: 7 });
  const failure = await post(limited).catch((e: unknown) => e);
  expect(failure).toMatchObject({ type: 'SlackRateLimited', nonRetryable: false, nextRetryDelay: '7s' });
});

test('other errors (network, 5xx) are left to the activity retry policy', async () => {
  const network = Object.assign(new Error('socket hang up'), { code: 'slack_webapi_request_error' });
  await expect(post(network)).rejects.toBe(network);
});
