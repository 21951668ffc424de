/** SYNO.Virtualization.API.Guest.Image reads: `list` (images still being created are not listed). */
import { z } from "zod";
import { operation } from "../dsm/registry";
import { presentImage } from "./present";

const vmm = { session: "required", adminOnly: true } as const;

export const imageList = operation({
  ...vmm,
  params: z.object({}),
  handle: (ctx) => ({
    images: ctx.services.store.images
      .list()
      .filter((im) => im.state === "ready")
      .map(presentImage),
  }),
});
