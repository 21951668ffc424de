/**
 * TEMPORARY (dashboard branch): `POST /__admin/guests/{id or name}/power` with
 * `{"action": "poweron" | "poweroff" | "shutdown"}`, so the dashboard's power buttons work and
 * can be tested before the new model has this endpoint. The lead replaces this file; the
 * contract stays: the guest record on success (like `/crash`), 409 `{"error": "DSM error <code>:
 * <meaning>"}` when the model refuses, 404 for an unknown guest, 400 for a bad body.
 *
 * It runs the DSM handlers themselves (Guest.Action's operations), after the cluster rules the
 * dispatcher applies to every change, so it refuses exactly what a DSM client would be refused.
 * Fault rules are not consulted: they stand for DSM answers, and this is not a DSM call.
 *
 * Its guard repeats the control plane's (bearer token) and adds what /__admin is to get: a JSON
 * content type and no request from another site.
 */
import { Hono } from "hono";
import { z } from "zod";
import { poweroff, poweron, shutdown } from "../api/guest-action";
import { bearerMatches, foreignRequest } from "../dashboard/guard";
import { clusterRefusal } from "../dsm/cluster";
import { DsmError, VMM_ERRORS } from "../dsm/errors";
import type { CallContext, Services } from "../dsm/registry";
import type { GuestRecord } from "../store/guests";
import { AdminError } from "./control-plane";

export const POWER_ACTIONS = ["poweron", "poweroff", "shutdown"] as const;
export type PowerAction = (typeof POWER_ACTIONS)[number];

const OPERATIONS = { poweron, poweroff, shutdown } as const;

const powerBody = z.strictObject({ action: z.enum(POWER_ACTIONS) });

function refusal(code: number): AdminError {
  const meaning = (VMM_ERRORS as Record<number, string>)[code];
  return new AdminError(409, `DSM error ${code}${meaning === undefined ? "" : `: ${meaning}`}`);
}

/** Powers a guest (by id, else by name) as `Guest.Action <action>` would; answers its record. */
export function powerGuest(services: Services, ref: string, action: PowerAction): GuestRecord {
  const { store, clock } = services;
  const now = clock.now();
  services.tick(now);
  const row = store.guests.find({ id: ref }) ?? store.guests.find({ name: ref });
  if (row === undefined) throw new AdminError(404, `no guest with id or name ${ref}`);
  const cluster = clusterRefusal(store);
  if (cluster !== undefined) throw refusal(cluster);
  const ctx: CallContext = {
    services,
    now,
    api: "SYNO.Virtualization.API.Guest.Action",
    method: action,
    version: 1,
    cgi: "entry.cgi",
    params: { guest_id: row.guest_id },
    cookies: {},
    session: undefined,
    account: undefined,
    setCookie: () => {},
  };
  try {
    OPERATIONS[action].run(ctx);
  } catch (err) {
    if (err instanceof DsmError) throw refusal(err.code);
    throw err;
  }
  const after = store.guests.find({ id: row.guest_id });
  if (after === undefined) throw new AdminError(404, `guest ${ref} is gone`);
  return store.guests.record(after);
}

/** The endpoint, mounted under `/__admin` before the control plane's own routes. */
export function powerRoutes(services: Services, token: string | undefined): Hono {
  const app = new Hono();
  app.post("/guests/:ref/power", async (c) => {
    const error = (status: 400 | 401 | 403 | 404 | 409 | 415, message: string) =>
      c.json({ error: message }, status);
    if (token !== undefined && !bearerMatches(c.req.header("authorization"), token))
      return error(401, "this control plane needs Authorization: Bearer <admin token>");
    const foreign = foreignRequest({
      fetchSite: c.req.header("sec-fetch-site"),
      origin: c.req.header("origin"),
      host: c.req.header("host"),
    });
    if (foreign !== undefined) return error(403, foreign);
    if (!/^application\/json\s*(;|$)/i.test(c.req.header("content-type") ?? ""))
      return error(415, "this call needs Content-Type: application/json");
    let body: unknown;
    try {
      body = JSON.parse(await c.req.text());
    } catch (err) {
      return error(400, `the body is not JSON: ${(err as Error).message}`);
    }
    const parsed = powerBody.safeParse(body);
    if (!parsed.success)
      return error(400, 'invalid body: give {"action": "poweron" | "poweroff" | "shutdown"}');
    try {
      return c.json(powerGuest(services, c.req.param("ref"), parsed.data.action));
    } catch (err) {
      if (err instanceof AdminError) return error(err.status, err.message);
      throw err;
    }
  });
  return app;
}
