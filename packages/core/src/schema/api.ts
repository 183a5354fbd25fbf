/**
 * Response shapes of the server's HTTP API (`@llmmon/server`), shared with the dashboard.
 * Owned by the server; filled in with the API.
 */
export {};
