import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { APIS } from "../../contract/apis";
import { isKnownCode } from "../../contract/errors";
import { splitEscapedList } from "../../server/wire/codecs";
import { testSeed, useEmulator } from "../harness";

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

    const apis = Object.keys(APIS);
    const anyText = fc.string({ maxLength: 12 });
    const param = fc.oneof(
      fc.constantFrom("guest_id", "guest_name", "additional", "task_id", "taskid", "query", "SynoToken"),
      anyText,
    );

    // No `logout` among the methods: it would end the sid the later runs use.
    it(`random api/method/version/params on every CGI (reads only: no change is attempted) (seed ${SEED})`, async () => {
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
          },
        ),
        { numRuns: 120, seed: SEED },
      );
    });
  });
});
