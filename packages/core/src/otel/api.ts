/**
 * `@opentelemetry/api`, an optional peer dependency: loaded on first use from where core is
 * installed, or null when it is not installed (core works the same without it). Any copy of the
 * API finds the SDK an app registered with another copy (the API keeps its registrations on a
 * process-wide global), so a CommonJS `require` here sees an SDK set up through ESM `import`.
 */
import { createRequire } from 'node:module';

export type OtelApi = typeof import('@opentelemetry/api');

let api: OtelApi | null | undefined;

/** The API module, or null when `@opentelemetry/api` cannot be found. */
export function otelApi(): OtelApi | null {
  if (api !== undefined) return api;
  try {
    api = createRequire(import.meta.url)('@opentelemetry/api') as OtelApi;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    api = null;
  }
  return api;
}
