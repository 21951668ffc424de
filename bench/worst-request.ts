/**
 * The event-loop hold of the worst unauthenticated requests we know how to build, measured as
 * another client's latency while each is answered (`tsx bench/worst-request.ts`): a probe asks
 * `SYNO.API.Info` again and again on its own connection, and its slowest answer during the
 * attack is what every other client would have waited. Attacks (issue 20): a batch of 256
 * encrypted logins with junk RSA blocks, and a batch of batches (`method=Request`).
 * Written into docs/bench.md by hand; the numbers depend on the machine.
 */
import { request } from "node:http";
import { DEFAULT_FIXTURE } from "../server/config";
import { encryptedLoginBatch, nestedBatch } from "../test/support/attacks";
import { spawnEmulator } from "../test/support/processes";
import { percentile } from "../test/support/stats";

function post(url: string, path: string, body: string): Promise<number> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path,
        headers: { "content-type": "application/x-www-form-urlencoded" },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", () => resolve(0));
    req.end(body);
  });
}

/** The probe's latencies (ms) while `attack` runs, `times` attacks one after another. */
async function probeDuring(url: string, attack: () => Promise<unknown>, times: number): Promise<number[]> {
  const latencies: number[] = [];
  let running = true;
  const probe = (async () => {
    while (running) {
      const started = performance.now();
      await fetch(
        `${url}/webapi/query.cgi?api=SYNO.API.Info&version=1&method=query&query=SYNO.API.Auth`,
      ).then((r) => r.text());
      latencies.push(performance.now() - started);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  for (let i = 0; i < times; i++) await attack();
  running = false;
  await probe;
  return latencies;
}

async function main(): Promise<void> {
  const child = await spawnEmulator({ fixture: DEFAULT_FIXTURE, db: ":memory:", timeScale: "instant" });
  try {
    // The RSA key is made at start; a login batch before it is ready measures nothing.
    await new Promise((r) => setTimeout(r, 3000));
    const quiet = await probeDuring(child.url, () => new Promise((r) => setTimeout(r, 1000)), 1);
    const logins = encryptedLoginBatch();
    const nested = nestedBatch();
    const cases: [string, () => Promise<number>][] = [
      [
        `256 encrypted logins with junk RSA (${(logins.length / 1024).toFixed(0)} KiB)`,
        () => post(child.url, "/webapi/entry.cgi", logins),
      ],
      [
        `a batch of 64 batches of 256 calls (${(nested.length / 1024).toFixed(0)} KiB)`,
        () => post(child.url, "/webapi/entry.cgi", nested),
      ],
    ];
    const line = (what: string, l: number[]) =>
      `${what}: probe p50 ${percentile(l, 50).toFixed(1)} ms, max ${Math.max(...l).toFixed(0)} ms (${l.length} probes)`;
    process.stdout.write(`${line("quiet", quiet)}\n`);
    for (const [what, attack] of cases) {
      let status = 0;
      const l = await probeDuring(child.url, async () => (status = await attack()), 3);
      process.stdout.write(`${line(what, l)}; attack answered HTTP ${status}\n`);
    }
  } finally {
    await child.stop();
  }
}

if (process.argv[1]?.endsWith("worst-request.ts")) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
