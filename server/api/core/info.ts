/**
 * SYNO.API.Info, generated from the spec: `query=all`, a comma list of names or name prefixes
 * (`SYNO.Virtualization.`), or no `query` at all (everything).
 *
 * By design: an entry ending with a dot is a prefix; any other entry names one API exactly, so
 * `query=SYNO.Virtualization.API.Guest` does not also answer `Guest.Action` and `Guest.Image`.
 */
import { z } from "zod";
import { APIS, type ApiSpec } from "../../../contract/apis";
import { list } from "../../wire/codecs";
import { type ApiOperations, op } from "../../wire/operation";

const query = op({
  params: z.object({ query: list() }),
  run: (_ctx, { query }) => {
    const wanted = query === undefined || query.includes("all") ? undefined : query.filter((q) => q !== "");
    const data: Record<string, ReturnType<typeof describe>> = {};
    for (const [name, api] of Object.entries(APIS) as [string, ApiSpec][]) {
      if (wanted === undefined || wanted.some((q) => matches(name, q))) data[name] = describe(api);
    }
    return data;
  },
});

const matches = (name: string, entry: string) =>
  entry.endsWith(".") ? name.startsWith(entry) : name === entry;

function describe(api: ApiSpec) {
  const base = { maxVersion: api.maxVersion, minVersion: api.minVersion, path: api.path };
  return api.requestFormat === undefined ? base : { ...base, requestFormat: api.requestFormat };
}

export const infoApi: ApiOperations<"SYNO.API.Info"> = { methods: { query } };
