/** SYNO.Virtualization.API.Host `list`: free CPU threads and RAM (MB) count every guest placed there. */
import { z } from "zod";
import { type ApiOperations, op } from "../../dsm/operation";
import { PUBLIC_REFUSALS } from "./codes";
import { presentHost } from "./present";

export const hostApi: ApiOperations<"SYNO.Virtualization.API.Host"> = {
  refusals: PUBLIC_REFUSALS,
  methods: {
    list: op({
      params: z.object({}),
      run: (ctx) => ({ hosts: ctx.store.inventory.hosts().map(presentHost) }),
    }),
  },
};
