/**
 * The one place that writes DSM's answer envelope and headers. Every DSM-level answer,
 * success or error, is HTTP 200 with DSM's content type and no-cache header; clients reject
 * anything else. Keys come in DSM's order (`data`/`error` before `success`).
 */
import type { DsmErrorDetail } from "./errors";

export const DSM_HEADERS: Readonly<Record<string, string>> = {
  "Content-Type": 'application/json; charset="UTF-8"',
  "Cache-Control": "max-age=0, no-cache, no-store, must-revalidate",
  Pragma: "no-cache",
  "X-Content-Type-Options": "nosniff",
};

export function successBody(data: unknown): string {
  return data === undefined ? '{"success":true}' : `{"data":${JSON.stringify(data)},"success":true}`;
}

export function errorBody(code: number, errors?: DsmErrorDetail): string {
  const error = errors === undefined ? { code } : { code, errors };
  return `{"error":${JSON.stringify(error)},"success":false}`;
}

export function dsmResponse(body: string, status = 200, extraHeaders?: Headers): Response {
  const headers = new Headers(DSM_HEADERS);
  if (extraHeaders !== undefined) for (const [k, v] of extraHeaders) headers.append(k, v);
  return new Response(body, { status, headers });
}
