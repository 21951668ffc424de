/** SYNO.Virtualization.API.Host, .Storage and .Network: one `list` each. */
import { z } from "zod";
import { operation } from "../dsm/registry";
import { presentHost, presentStorage } from "./present";

const vmm = { session: "required", adminOnly: true } as const;

export const hostList = operation({
  ...vmm,
  params: z.object({}),
  handle: (ctx) => ({ hosts: ctx.services.store.inventory.hosts().map(presentHost) }),
});

export const storageList = operation({
  ...vmm,
  params: z.object({}),
  handle: (ctx) => ({ storages: ctx.services.store.inventory.storages().map(presentStorage) }),
});

export const networkList = operation({
  ...vmm,
  params: z.object({}),
  handle: (ctx) => ({
    networks: ctx.services.store.inventory
      .networks()
      .map((n) => ({ network_id: n.network_id, network_name: n.network_name })),
  }),
});
