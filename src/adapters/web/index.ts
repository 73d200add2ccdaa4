export { createWebServer } from './server.js';
export { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from './http.js';
export { WEB_CHANNEL, WEB_USER } from './api.js';
export type {
  BriefingChannel,
  BriefingCitation,
  BriefingProvider,
  BriefingView,
  ExtraRoute,
  WebServer,
  WebServerOptions,
} from './types.js';
