import { describe, expect, it } from 'vitest';
import * as database from '../db/database.js';
import * as app from '../http/app.js';
import * as defaults from './defaults.js';

describe('CLI defaults', () => {
  it('equal the values of the modules they stand in for', () => {
    expect(defaults.DEFAULT_DB_PATH).toBe(database.DEFAULT_DB_PATH);
    expect(defaults.DEFAULT_BODY_LIMIT).toBe(app.DEFAULT_BODY_LIMIT);
    expect(defaults.DEFAULT_QUERY_TIMEOUT_MS).toBe(app.DEFAULT_QUERY_TIMEOUT_MS);
    expect(defaults.DEFAULT_QUERY_MAX_ROWS).toBe(app.DEFAULT_QUERY_MAX_ROWS);
  });
});
