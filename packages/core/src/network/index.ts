/**
 * Network I/O per operation: HTTP requests made through fetch/undici and node:http(s), observed
 * on diagnostics channels (no patching) and attributed with AsyncLocalStorage. Subscribed once
 * per process, while at least one monitor is open.
 */
import { subscribeNodeHttp } from './node-http.js';
import { subscribeUndici } from './undici.js';

let refs = 0;
let unsubscribe: (() => void)[] = [];

/** Starts network attribution; returns the function that releases this hold. */
export function holdNetworkTracking(): () => void {
  if (refs++ === 0) unsubscribe = [subscribeUndici(), subscribeNodeHttp()];
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    if (--refs === 0) {
      for (const fn of unsubscribe) fn();
      unsubscribe = [];
    }
  };
}
