/** The bot scopes Lookout asks for at install (the same list as slack/manifest.yml), and what each one is for. */
export const botScopes: Record<string, string> = {
  'chat:write': 'post alerts, reports and outcomes',
  'chat:write.public': 'post in public channels without being invited first',
  commands: 'answer /lookout',
  'im:write': 'send escalations and digests by DM',
  'im:read': 'see DMs sent to Lookout',
  'im:history': 'read commands sent by DM',
  'files:write': 'upload long logs and charts to threads',
  'channels:read': 'list public channels for settings',
  'groups:read': 'list private channels the bot is in',
  'channels:history': 'read alerts posted in watched public channels',
  'groups:history': 'read alerts posted in watched private channels',
  'users:read': 'show who approved what',
  'users:read.email': 'match approvers across tools by e-mail',
  'reactions:read': 'take approvals and feedback from reactions',
  'reactions:write': 'mark alerts 👀 and ✅',
  'usergroups:read': 'let a user group approve',
};
