/** The local Slack emulator: Web API, sandbox page and signed requests to the app. */
export { SlackEmulator } from './emulator.js';
export { signSlackRequest, isValidSlackSignature } from './signature.js';
export type {
  EmulatedMessage,
  FailureSpec,
  IncomingWebhook,
  Revocation,
  SlackEmulatorOptions,
  WebApiCall,
  WebhookFailure,
} from './types.js';
