/**
 * Where the built apps live. This file sits two levels below the package root both as source
 * (src/lib) and as build output (dist/lib), so the same relative URL works from either.
 */
import { fileURLToPath } from 'node:url';

const root = new URL('../../', import.meta.url);

/** Absolute path of the built served-mode app (index.html + assets/), which `llmmon serve` serves at `/`. */
export const assetsDir: string = fileURLToPath(new URL('dist/app/', root));

/** Absolute path of the single-file static template that `renderDashboardHtml` fills in. */
export const staticTemplatePath: string = fileURLToPath(new URL('dist/static/index.html', root));
