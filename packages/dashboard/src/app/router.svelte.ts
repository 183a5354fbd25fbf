/** The current route, kept in step with `location.hash`. */
import { parseRoute, type Route } from '../model/routes.js';

export function createRouter() {
  let route = $state<Route>(parseRoute(location.hash));
  const update = () => {
    route = parseRoute(location.hash);
  };
  window.addEventListener('hashchange', update);
  return {
    get route() {
      return route;
    },
    destroy: () => window.removeEventListener('hashchange', update),
  };
}
