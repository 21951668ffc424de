/** SYNO.Virtualization.API.Host `list`: free CPU threads and RAM (MB) count every guest placed there. */
import { z } from "zod";
import { slot } from "../../store/answers";
import type { HostRow } from "../../store/inventory";
import { keptAnswer, type RawJson } from "../../wire/envelope";
import { type ApiOperations, op } from "../../wire/operation";
import { PUBLIC_REFUSALS } from "./codes";
import { presentHost } from "./present";

/** The answer for each hosts array the store hands out (the same one until a host or guest changes). */
const ANSWERS = slot("Host list", () => new WeakMap<readonly HostRow[], RawJson>());

export const hostApi: ApiOperations<"SYNO.Virtualization.API.Host"> = {
  refusals: PUBLIC_REFUSALS,
  methods: {
    list: op({
      params: z.object({}),
      run: (ctx) => {
        const hosts = ctx.store.inventory.hosts();
        return keptAnswer(ctx.store.answers.of(ANSWERS), hosts, () =>
          JSON.stringify({ hosts: hosts.map(presentHost) }),
        );
      },
    }),
  },
};
