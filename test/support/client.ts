/** A minimal WebAPI client over real HTTP, shared by the benchmarks and the reliability tests. */

export interface Envelope {
  success: boolean;
  data?: Record<string, unknown>;
  error?: { code: number; errors?: unknown };
}

export interface Reply {
  readonly status: number;
  readonly body: Envelope;
  readonly text: string;
}

export const VMM = "SYNO.Virtualization.API";

export const loginQuery = (account = "admin", passwd = "synology") =>
  new URLSearchParams({
    api: "SYNO.API.Auth",
    version: "3",
    method: "login",
    account,
    passwd,
    format: "sid",
  });

export async function getJson(url: string, init?: RequestInit): Promise<Reply> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: Envelope;
  try {
    body = JSON.parse(text);
  } catch {
    body = { success: false, error: { code: -1 } };
  }
  return { status: res.status, body, text };
}

export async function login(base: string): Promise<string> {
  const reply = await getJson(`${base}/webapi/auth.cgi?${loginQuery()}`);
  const sid = reply.body.data?.sid;
  if (!reply.body.success || typeof sid !== "string") throw new Error(`login failed: ${reply.text}`);
  return sid;
}

/** The form parameters of one `SYNO.Entry.Request` batch (version 1) of `compound`'s calls. */
export function batchParams(compound: readonly unknown[]): Record<string, string> {
  return { api: "SYNO.Entry.Request", version: "1", method: "request", compound: JSON.stringify(compound) };
}

/** The query string of a Virtualization API call (`api` without the `SYNO.Virtualization.API.` prefix). */
export function vmmQuery(sid: string, api: string, method: string, params: Record<string, string> = {}) {
  return new URLSearchParams({ api: `${VMM}.${api}`, version: "1", method, _sid: sid, ...params });
}

export function vmm(
  base: string,
  sid: string,
  api: string,
  method: string,
  params: Record<string, string> = {},
): Promise<Reply> {
  return getJson(`${base}/webapi/entry.cgi?${vmmQuery(sid, api, method, params)}`);
}

/** Polls `probe` until it resolves true; answers the milliseconds waited. */
export async function waitUntil(
  probe: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 5,
): Promise<number> {
  const started = performance.now();
  for (;;) {
    try {
      if (await probe()) return performance.now() - started;
    } catch {
      // not up yet
    }
    if (performance.now() - started > timeoutMs) throw new Error(`not ready within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * Waits until the emulator has made its RSA login key (a 4096-bit key, made on a worker thread
 * at start for about a second of CPU), so that it does not run beside what is measured.
 */
export async function keyReady(base: string): Promise<void> {
  const reply = await getJson(`${base}/webapi/entry.cgi?api=SYNO.API.Encryption&version=1&method=getinfo`);
  if (!reply.body.success) throw new Error(`no login key: ${reply.text}`);
}
