import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { APIS } from "../../contract/apis";
import { isKnownCode } from "../../contract/errors";
import { splitEscapedList } from "../../server/wire/codecs";
import { GUESTS, HOSTS, IMAGES, SHARE_FILES, STORAGES } from "../fixture-ids";
import { testSeed, useEmulator } from "../harness";
import { StoreOracle } from "../support/oracle";

/** fast-check's seed: fixed, so a failure reproduces; PROPERTIES_SEED (or VMM_TEST_SEED) to explore. */
const SEED = testSeed("PROPERTIES_SEED", 20261101);

/** The guide's escaping, as a client applies it to each element before joining with commas. */
const escapeElement = (s: string) => s.replace(/\\/g, "\\\\").replace(/,/g, "\\,");

describe("properties", () => {
  it(`any list escaped the guide's way splits back into the same elements (seed ${SEED})`, () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom("a", ",", "\\", "é", " ") }), { minLength: 1 }),
        (items) => {
          expect(splitEscapedList(items.map(escapeElement).join(","))).toEqual(items);
        },
      ),
      { numRuns: 500, seed: SEED },
    );
  });

  describe("over HTTP: any parameters answer the DSM envelope with a known code", () => {
    const t = useEmulator();
    // After every call, the store's kept reads equal those of a store with empty caches.
    const oracle = () => new StoreOracle(t.emu.app.store, t.emu.db);

    const apis = Object.keys(APIS);
    const anyText = fc.string({ maxLength: 12 });
    const param = fc.oneof(
      fc.constantFrom("guest_id", "guest_name", "additional", "task_id", "taskid", "query", "SynoToken"),
      anyText,
    );

    // No `logout` among the methods: it would end the sid the later runs use.
    it(`random api/method/version/params on every CGI (reads only: no change is attempted) (seed ${SEED})`, async () => {
      const kept = oracle();
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom("query.cgi", "auth.cgi", "entry.cgi"),
          fc.oneof(fc.constantFrom(...apis), anyText),
          fc.oneof(fc.constantFrom("list", "get", "query", "getinfo", "clear"), anyText),
          fc.oneof(fc.constantFrom("1", "2", "3", "7", "0", ""), anyText),
          fc.dictionary(param, anyText, { maxKeys: 4 }),
          fc.boolean(),
          async (cgi, api, method, version, extra, withSid) => {
            const res = await t.emu.get(cgi, {
              ...extra,
              api,
              method,
              version,
              ...(withSid ? { _sid: t.sid } : {}),
            });
            expect(res.status).toBe(200);
            expect(res.headers.get("content-type")).toBe('application/json; charset="UTF-8"');
            if (res.body.success === false) {
              expect(isKnownCode(res.body.error?.code ?? -1), res.text).toBe(true);
              expect(res.body.error?.code, res.text).not.toBe(100);
            }
            expect(kept.drift()).toEqual([]);
          },
        ),
        { numRuns: 120, seed: SEED },
      );
    });
  });

  describe("over HTTP: any sequence of changes leaves the store's kept reads equal to a fresh store's", () => {
    const t = useEmulator();
    const names = ["p-1", "p-2", "p-3", GUESTS.syno.name, GUESTS.running.name];
    // Weighted towards what starts and ends work (creates, task reads and clears), so that most
    // runs clear a running task, edit a guest being listed, and so on.
    const guest = (...calls: string[]) =>
      fc.record({ call: fc.constantFrom(...calls), name: fc.constantFrom(...names) });
    const step = fc.oneof(
      {
        weight: 2,
        arbitrary: fc.record({
          call: fc.constantFrom("Guest list", "Task.Info list", "Host list", "Guest.Image list"),
        }),
      },
      { weight: 3, arbitrary: guest("Guest create") },
      {
        weight: 3,
        arbitrary: guest(
          "Guest get",
          "Guest set",
          "Guest delete",
          "poweron",
          "poweroff",
          "shutdown",
          "crash",
        ),
      },
      {
        weight: 3,
        arbitrary: fc.record({ call: fc.constantFrom("Task.Info get", "Task.Info clear"), task: fc.nat(4) }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          call: fc.constant("Image create"),
          image: fc.constantFrom("p-image", IMAGES.disk.name),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          call: fc.constant("Image delete"),
          image: fc.constantFrom("p-image", IMAGES.iso.name),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          call: fc.constant("host status"),
          status: fc.constantFrom("running", "inaccessible"),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({ call: fc.constant("advance"), ms: fc.constantFrom(500, 5_000, 60_000) }),
      },
    );
    type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

    /** Runs one step; the answer may be a refusal (a name taken, a guest not there): only the store is judged. */
    async function run(s: Step, tasks: string[], sid: string): Promise<void> {
      const { emu } = t;
      const vmm = (api: string, method: string, params: Record<string, string> = {}) =>
        emu.vmm(sid, api, method, params);
      const remember = (res: { body: { data?: Record<string, unknown> } }) => {
        const id = res.body.data?.task_id;
        if (typeof id === "string") tasks.push(id);
      };
      const name = "name" in s ? s.name : "";
      switch (s.call) {
        case "Guest list":
          return void (await vmm("Guest", "list"));
        case "Task.Info list":
          return void (await vmm("Task.Info", "list"));
        case "Host list":
          return void (await vmm("Host", "list"));
        case "Guest.Image list":
          return void (await vmm("Guest.Image", "list"));
        case "Guest get":
          return void (await vmm("Guest", "get", { guest_name: name }));
        case "Guest create":
          return remember(
            await vmm("Guest", "create", {
              guest_name: name,
              storage_id: STORAGES.first.id,
              vdisks: '[{"create_type":0,"vdisk_size":1024}]',
              vnics: "[]",
              auto_clean_task: "false",
            }),
          );
        case "Guest set":
          return void (await vmm("Guest", "set", { guest_name: name, description: `d${tasks.length}` }));
        case "Guest delete":
          return void (await vmm("Guest", "delete", { guest_name: name }));
        case "poweron":
        case "poweroff":
        case "shutdown":
          return void (await vmm("Guest.Action", s.call, { guest_name: name }));
        case "crash":
          return void (await emu.admin.crashGuest(name).catch(() => undefined));
        case "Task.Info get":
        case "Task.Info clear": {
          const id = "task" in s ? tasks[s.task % Math.max(tasks.length, 1)] : undefined;
          return void (await vmm("Task.Info", s.call === "Task.Info get" ? "get" : "clear", {
            task_id: id ?? "@x",
          }));
        }
        case "Image create":
          return remember(
            await vmm("Guest.Image", "create", {
              image_name: "image" in s ? s.image : "",
              type: "disk",
              ds_file_path: SHARE_FILES.disk,
              storage_ids: JSON.stringify([STORAGES.first.id]),
              auto_clean_task: "false",
            }),
          );
        case "Image delete":
          return void (await vmm("Guest.Image", "delete", { image_name: "image" in s ? s.image : "" }));
        case "host status":
          return void (await emu.admin.updateHost(HOSTS.second.id, {
            status: "status" in s ? s.status : "running",
          }));
        case "advance":
          return void emu.clock.advance("ms" in s ? s.ms : 0);
      }
    }

    it(`random creates, edits, power changes, task reads and clears, images and host changes, step by step (seed ${SEED})`, {
      timeout: 60_000,
    }, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 14 }), async (steps) => {
          await t.emu.admin.reset();
          const kept = new StoreOracle(t.emu.app.store, t.emu.db);
          const sid = await t.emu.login();
          const tasks: string[] = [];
          for (const [i, s] of steps.entries()) {
            await run(s, tasks, sid);
            expect(kept.drift(), `after step ${i + 1} of ${JSON.stringify(steps)}`).toEqual([]);
          }
        }),
        { numRuns: 40, seed: SEED },
      );
    });
  });
});
