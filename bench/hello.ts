/**
 * The cold-start baseline: the smallest Hono + @hono/node-server app, answering
 * `{"success":true}` on every path, started the same ways as the emulator (tsx, compiled, through
 * npm). It prints the emulator's listening line so the bench waits on both alike.
 */
import { serve } from "@hono/node-server";
import { Hono } from "hono";

const app = new Hono();
app.get("*", (c) => c.json({ success: true }));

const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, (info) => {
  process.stdout.write(
    `${JSON.stringify({ event: "listening", url: `http://127.0.0.1:${info.port}`, pid: process.pid })}\n`,
  );
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
