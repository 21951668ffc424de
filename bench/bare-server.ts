/**
 * The stack's limit: a bare Hono + @hono/node-server app that answers precomputed bytes (the
 * emulator's own answers, captured before the run) with DSM's headers, choosing the answer by
 * `api` and `method` alone. Whatever the emulator costs beyond this is the emulator's own work.
 *
 * Usage: node --import tsx bench/bare-server.ts <answers.json>   ({"<api> <method>": body})
 */
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { DSM_HEADERS } from "../server/wire/envelope";

const file = process.argv[2];
if (file === undefined) throw new Error("usage: bare-server.ts <answers.json>");
const answers = new Map<string, string>(Object.entries(JSON.parse(readFileSync(file, "utf8"))));
const missing = '{"error":{"code":102},"success":false}';

const app = new Hono();
app.on(["GET", "POST"], "/webapi/:cgi", (c) => {
  const body = answers.get(`${c.req.query("api")} ${c.req.query("method")}`) ?? missing;
  return c.body(body, 200, DSM_HEADERS);
});

const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(
    `${JSON.stringify({ event: "listening", url: `http://127.0.0.1:${port}`, pid: process.pid })}\n`,
  );
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
