/**
 * The control plane's HTTP face under the reserved prefix `/__admin` (DSM never serves a path
 * outside `/webapi/`, so it cannot collide). JSON in and out; bodies and queries are validated
 * with zod, and a refused call answers 400 `{"error": "..."}` having changed nothing. An unknown
 * host, storage, guest, snapshot or rule answers 404; with a token configured, a call without
 * `Authorization: Bearer <token>` answers 401.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { z } from "zod";
import { authorityOf, bearerMatches, foreignRequest, isJson } from "../security/browser-guard";
import { clientLeft } from "../wire/errors";
import { type ControlPlane, ControlPlaneError } from "./control-plane";
import { routeIndex } from "./health";
import {
  clockAdvance,
  clockChanges,
  clusterChanges,
  faultRule,
  hostChanges,
  journalQuery,
  nasChanges,
  powerChange,
  resetOptions,
  snapshotCreate,
  snapshotName,
  storageChanges,
} from "./schemas";

export const ADMIN_PREFIX = "/__admin";
/** The largest control-plane body: 1 MiB, and 64 MiB for a fixture (10,000 guests are about 6 MB). */
export const MAX_CONTROL_BODY = 1024 * 1024;
export const MAX_FIXTURE_BODY = 64 * 1024 * 1024;

const tooLarge = (max: number) => (c: Context) =>
  c.json({ error: `the body is larger than ${max} bytes` }, 413, { Connection: "close" });

export function controlRoutes(
  plane: ControlPlane,
  token: string | undefined,
  log: (line: string) => void,
): Hono {
  const app = new Hono();
  if (token !== undefined) {
    app.use("*", async (c, next) => {
      if (!bearerMatches(c.req.header("authorization"), token)) {
        return c.json({ error: "this control plane needs Authorization: Bearer <admin token>" }, 401, {
          "WWW-Authenticate": 'Bearer realm="vmm-emulator-admin"',
        });
      }
      await next();
    });
  }
  // No web page may drive the control plane: nothing from another site, and changes in JSON only
  // (a form or text/plain post is what a foreign page can send without a preflight).
  app.use("*", async (c, next) => {
    const foreign = foreignRequest({
      fetchSite: c.req.header("sec-fetch-site"),
      origin: c.req.header("origin"),
      host: authorityOf(c.req.url),
    });
    if (foreign !== undefined) return c.json({ error: foreign }, 403);
    const type = c.req.header("content-type");
    if (c.req.method !== "GET" && c.req.method !== "HEAD" && type !== undefined && !isJson(type))
      return c.json({ error: `the control plane takes application/json, not ${type}` }, 415);
    await next();
  });
  // Bodies are read whole (they are JSON): bounded, a fixture more generously than the rest.
  const small = bodyLimit({ maxSize: MAX_CONTROL_BODY, onError: tooLarge(MAX_CONTROL_BODY) });
  const fixture = bodyLimit({ maxSize: MAX_FIXTURE_BODY, onError: tooLarge(MAX_FIXTURE_BODY) });
  app.use("*", (c, next) => (c.req.path.endsWith("/fixture") ? fixture(c, next) : small(c, next)));
  app.onError((err, c) => {
    if (err instanceof ControlPlaneError) return c.json({ error: err.message }, err.status);
    // The client left mid-body: its doing, not a fault (and nobody reads this answer).
    if (clientLeft(err)) return c.json({ error: "the body was broken off" }, 400, { Connection: "close" });
    // The control plane speaks JSON, never DSM's envelope: a harness must see its own failure.
    log(`unexpected fault in ${c.req.method} ${c.req.path}: ${err.stack ?? err.message}`);
    return c.json({ error: `unexpected fault: ${err.message}` }, 500);
  });

  app.get("/", (c) => c.json({ routes: routeIndex(app.routes, ADMIN_PREFIX) }));
  app.get("/health", (c) => c.json(plane.health()));
  app.get("/state", (c) => c.json(plane.state()));
  app.post("/reset", async (c) => {
    const options = await body(c, resetOptions, {});
    plane.reset(options);
    return c.json({ reset: true });
  });
  app.get("/fixture", (c) => c.json(plane.exportFixture()));
  app.post("/fixture", async (c) => {
    await plane.loadFixture(await json(c));
    return c.json({ loaded: true });
  });

  app.get("/snapshots", (c) => c.json({ snapshots: plane.snapshots() }));
  app.post("/snapshots", async (c) => {
    const { name } = await body(c, snapshotCreate);
    return c.json(plane.createSnapshot(name), 201);
  });
  app.post("/snapshots/:name/restore", (c) => {
    plane.restoreSnapshot(param(c, "name", snapshotName));
    return c.json({ restored: c.req.param("name") });
  });
  app.delete("/snapshots/:name", (c) => {
    plane.deleteSnapshot(param(c, "name", snapshotName));
    return c.json({ deleted: c.req.param("name") });
  });

  app.patch("/hosts/:ref", async (c) =>
    c.json(plane.updateHost(c.req.param("ref"), await body(c, hostChanges))),
  );
  app.patch("/storages/:ref", async (c) =>
    c.json(plane.updateStorage(c.req.param("ref"), await body(c, storageChanges))),
  );
  app.patch("/cluster", async (c) => c.json(plane.updateCluster(await body(c, clusterChanges))));
  app.patch("/nas", async (c) => c.json(plane.updateNas(await body(c, nasChanges))));
  app.post("/guests/:ref/crash", (c) => c.json(plane.crashGuest(c.req.param("ref"))));
  app.post("/guests/:ref/power", async (c) => {
    const { action } = await body(c, powerChange);
    return c.json(plane.powerGuest(c.req.param("ref"), action));
  });

  app.get("/faults", (c) => c.json({ faults: plane.faults.list() }));
  app.post("/faults", async (c) => c.json(plane.faults.add(await body(c, faultRule)), 201));
  app.delete("/faults/:id", (c) => {
    const id = c.req.param("id");
    if (!plane.faults.remove(id)) throw new ControlPlaneError(404, `no fault rule with id ${id}`);
    return c.json({ deleted: id });
  });
  app.delete("/faults", (c) => {
    plane.faults.clear();
    return c.json({ deleted: "all" });
  });

  app.get("/blocks", (c) => c.json({ blocks: plane.blocks() }));
  app.delete("/blocks", (c) => c.json(plane.unblock()));
  app.delete("/blocks/:address", (c) => c.json(plane.unblock(c.req.param("address"))));

  app.get("/clock", (c) => c.json(plane.clock()));
  app.post("/clock", async (c) => c.json(plane.setClock(await body(c, clockChanges, {}))));
  app.post("/clock/advance", async (c) => {
    const { ms, seconds } = await body(c, clockAdvance);
    return c.json(plane.advanceClock(ms ?? (seconds ?? 0) * 1000));
  });

  app.get("/journal", (c) =>
    c.json({ entries: plane.journal.entries(parse(journalQuery, c.req.query(), "query")) }),
  );
  app.get("/journal/recording", (c) => c.json(plane.journalRecording()));
  app.get("/journal/unimplemented", (c) => c.json({ calls: plane.journal.unimplemented() }));
  app.delete("/journal", (c) => {
    plane.journal.clear();
    return c.json({ cleared: true });
  });

  // A sub-app's notFound is not used once mounted, so the catch-all is a route.
  app.all("*", (c) => c.json({ error: `no control-plane endpoint ${c.req.method} ${c.req.path}` }, 404));
  return app;
}

/** The JSON body; an empty body is `empty` when one is allowed. */
async function json(c: Context, empty?: unknown): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === "") {
    if (empty !== undefined) return empty;
    throw new ControlPlaneError(400, "this call needs a JSON body");
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ControlPlaneError(400, `the body is not JSON: ${(err as Error).message}`);
  }
}

async function body<S extends z.ZodType>(c: Context, schema: S, empty?: z.input<S>): Promise<z.output<S>> {
  return parse(schema, await json(c, empty), "body");
}

function param<S extends z.ZodType>(c: Context, name: string, schema: S): z.output<S> {
  return parse(schema, c.req.param(name), name);
}

function parse<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => {
    const path = i.path.join(".");
    return path === "" ? i.message : `${path}: ${i.message}`;
  });
  throw new ControlPlaneError(400, `invalid ${what}: ${problems.join("; ")}`);
}
