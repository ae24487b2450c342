// `GET /` is the settings page (CONTRACT section 3); it lives in server/settings/.
export { settingsRouter as settingsRoutes } from '../settings/routes.js';
export type { SettingsDeps } from '../settings/context.js';
