/**
 * `@llmmon/server/bench`: what `llmmon bench` is made of, for programs that want to run a bench
 * or serve a local model over HTTP themselves.
 */
export {
  chatPrompt,
  type LocalServer,
  type LocalServerOptions,
  type ServableModel,
  type ServedRequest,
  startLocalServer,
} from './local-server.js';
