/** SYNO.Virtualization.API.Network `list`. */
import { z } from "zod";
import { type ApiOperations, op } from "../../wire/operation";
import { PUBLIC_REFUSALS } from "./codes";

export const networkApi: ApiOperations<"SYNO.Virtualization.API.Network"> = {
  refusals: PUBLIC_REFUSALS,
  methods: {
    list: op({
      params: z.object({}),
      run: (ctx) => ({
        networks: ctx.store.inventory
          .networks()
          .map((n) => ({ network_id: n.network_id, network_name: n.network_name })),
      }),
    }),
  },
};
