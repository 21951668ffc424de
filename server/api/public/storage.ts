/** SYNO.Virtualization.API.Storage `list`: sizes and use in MB, derived from the guests and images. */
import { z } from "zod";
import { type ApiOperations, op } from "../../wire/operation";
import { PUBLIC_REFUSALS } from "./codes";
import { presentStorage } from "./present";

export const storageApi: ApiOperations<"SYNO.Virtualization.API.Storage"> = {
  refusals: PUBLIC_REFUSALS,
  methods: {
    list: op({
      params: z.object({}),
      run: (ctx) => ({ storages: ctx.store.inventory.storages().map(presentStorage) }),
    }),
  },
};
