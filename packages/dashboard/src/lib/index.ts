/**
 * `@llmmon/dashboard`, Node side: writes a run's static dashboard (one offline HTML file) and
 * points `llmmon serve` at the built served-mode app.
 */
export {
  type CreateDashboardOptions,
  type CreatedDashboard,
  createDashboard,
  dashboardPathFor,
} from './create-dashboard.js';
export { renderDashboardHtml, STATIC_CSP } from './html.js';
export { assetsDir, staticTemplatePath } from './paths.js';
