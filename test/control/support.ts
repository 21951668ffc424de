/** Helpers of the control-plane tests only: raw admin calls, to see the statuses. */

export interface ControlReply {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** Calls the control plane directly (the typed client throws on non-2xx; these tests want the status). */
export async function controlCall(
  emu: { url: string },
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ControlReply> {
  const res = await fetch(`${emu.url}/__admin${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>) };
}
