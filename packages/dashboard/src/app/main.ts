/**
 * Entry point. The static build (one HTML file, data embedded) and the served build (reads the
 * HTTP API) share every view; the mode is fixed at build time, so each build carries only its
 * own start-up code.
 */
import './styles.css';

const target = document.getElementById('app')!;
if (import.meta.env.MODE === 'static') {
  import('./start-static.js').then((m) => m.startStatic(target));
} else {
  import('./start-served.js').then((m) => m.startServed(target));
}
