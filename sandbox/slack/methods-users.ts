import { slackUser } from './slack-shapes.js';
import { SlackApiError, hasScope, paginate, requireScope, str } from './web-api.js';
import type { MethodHandler } from './web-api.js';

/** auth.test, users.* and usergroups.*: who the bot is and who else is in the workspace. */
export const userMethods: Record<string, MethodHandler> = {
  'auth.test': (_args, ctx, { auth }) => {
    const { teamId, teamName, botUserId, botId } = ctx.store.opts;
    // A token issued through OAuth answers for its own workspace (or org).
    const userId = auth?.userId ?? botUserId;
    return {
      url: `${ctx.baseUrl}/`,
      team: auth?.teamName ?? teamName,
      user: ctx.store.userName(userId),
      team_id: auth ? auth.teamId : teamId,
      user_id: userId,
      ...(auth?.kind === 'user' ? {} : { bot_id: auth?.botId ?? botId }),
      ...(auth?.enterpriseId ? { enterprise_id: auth.enterpriseId } : {}),
      is_enterprise_install: auth?.isEnterpriseInstall ?? false,
    };
  },

  'users.info': (args, ctx, call) => {
    requireScope(call, 'users:read');
    const user = ctx.store.users.get(str(args, 'user') ?? '');
    if (!user) throw new SlackApiError('user_not_found');
    return { user: slackUser(ctx.store, user, hasScope(call, 'users:read.email')) };
  },

  'users.list': (args, ctx, call) => {
    requireScope(call, 'users:read');
    const { page, meta } = paginate([...ctx.store.users.values()], args, 200);
    return {
      members: page.map((u) => slackUser(ctx.store, u, hasScope(call, 'users:read.email'))),
      cache_ts: Math.floor(Date.now() / 1000),
      response_metadata: meta,
    };
  },

  'usergroups.list': (_args, ctx, call) => {
    requireScope(call, 'usergroups:read');
    const usergroups = ctx.store.groups.map((g) => ({
      id: g.id,
      team_id: ctx.store.opts.teamId,
      handle: g.handle,
      name: g.handle,
      is_usergroup: true,
      user_count: g.users.length,
    }));
    return { usergroups };
  },

  'usergroups.users.list': (args, ctx, call) => {
    requireScope(call, 'usergroups:read');
    const group = ctx.store.groups.find((g) => g.id === str(args, 'usergroup'));
    if (!group) throw new SlackApiError('no_such_subteam');
    return { users: [...group.users] };
  },
};
