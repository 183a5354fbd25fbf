/**
 * The served app's client of the llmmon HTTP API (`packages/server/API.md`). URLs are relative
 * to the page, so the dashboard also works behind a reverse proxy under a path prefix.
 */
import type {
  CompareResponse,
  HistoryResponse,
  MetricsFile,
  OperationRecord,
  OperationsResponse,
  QueryResponse,
  RunDetailResponse,
  RunsResponse,
  SamplesResponse,
} from '@llmmon/core/schema';

/** A non-2xx answer: the server's own one-line `error`, with the status. */
export class ApiRequestError extends Error {
  override name = 'ApiRequestError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'llmmon.token';

/** Bearer token for servers that require one for /api/query (kept for this browser tab only). */
export const apiToken = {
  get: (): string => sessionStorage.getItem(TOKEN_KEY) ?? '',
  set: (token: string) =>
    token ? sessionStorage.setItem(TOKEN_KEY, token) : sessionStorage.removeItem(TOKEN_KEY),
};

async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const token = apiToken.get();
  if (token) headers.set('authorization', `Bearer ${token}`);
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers });
  } catch (e) {
    throw new ApiRequestError(0, `cannot reach the llmmon server (${(e as Error).message})`);
  }
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      const body = (await res.json()) as { error?: string };
      if (body.error) message = body.error;
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiRequestError(res.status, message);
  }
  return res;
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return (await (await request(path, signal ? { signal } : {})).json()) as T;
}

const enc = encodeURIComponent;

/** URLs of a run's exports (operations as CSV or Parquet, the whole run as a metrics file). */
export const exportUrls = (runId: string) => ({
  csv: `api/runs/${enc(runId)}/export.csv`,
  parquet: `api/runs/${enc(runId)}/export.parquet`,
  json: `api/runs/${enc(runId)}/export.json`,
});

export const api = {
  runs: (limit = 500, signal?: AbortSignal) => getJson<RunsResponse>(`api/runs?limit=${limit}`, signal),
  run: (id: string, signal?: AbortSignal) => getJson<RunDetailResponse>(`api/runs/${enc(id)}`, signal),
  samples: (id: string, maxPoints: number, signal?: AbortSignal) =>
    getJson<SamplesResponse>(`api/runs/${enc(id)}/samples?max_points=${maxPoints}`, signal),
  compare: (ids: readonly string[], signal?: AbortSignal) =>
    getJson<CompareResponse>(`api/compare?runs=${ids.map(enc).join(',')}`, signal),
  history: (model: string, signal?: AbortSignal) =>
    getJson<HistoryResponse>(`api/models/${enc(model)}/history`, signal),

  /** Every operation of a run in seq order, page by page (the API returns at most 100,000 at once). */
  async operations(id: string, signal?: AbortSignal): Promise<OperationRecord[]> {
    const PAGE = 100_000;
    const out: OperationRecord[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await getJson<OperationsResponse>(
        `api/runs/${enc(id)}/operations?sort=seq&order=asc&limit=${PAGE}&offset=${offset}`,
        signal,
      );
      if (offset === 0 && page.operations.length >= page.total) return page.operations;
      // A loop, not push(...page): 100,000 arguments are near V8's stack limit.
      for (const o of page.operations) out.push(o);
      if (out.length >= page.total || page.operations.length === 0) return out;
    }
  },

  /** A run as the run view needs it: header, operations, timeline (thinned to `maxPoints`), alerts. */
  async runFile(id: string, maxPoints = 4000, signal?: AbortSignal): Promise<Omit<MetricsFile, 'format'>> {
    const [detail, operations, samples] = await Promise.all([
      api.run(id, signal),
      api.operations(id, signal),
      api.samples(id, maxPoints, signal),
    ]);
    return { run: detail.run, operations, samples: samples.samples, alerts: detail.alerts };
  },

  async query(sql: string, signal?: AbortSignal): Promise<QueryResponse> {
    const res = await request('api/query', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sql, format: 'json' }),
      ...(signal ? { signal } : {}),
    });
    return (await res.json()) as QueryResponse;
  },
};
