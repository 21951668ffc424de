/**
 * SYNO.Virtualization.Guest (the web UI's dialect): `list`, `get`, `get_setting`, `usb_list`
 * and `set`, over the same guests as the guide's API, memory in KiB (set takes MB).
 *
 * `set` takes both forms real clients send: go-synology's (`guest_id` with an empty or current
 * `guest_name`, `vcpu_num`, `vram_size` in MB, `autorun` always, `iso_images` null or two slots,
 * `new_guest_name`, `description`) and the web UI's (`name`, `desc`, ...); the web UI's other
 * fields (`cpu_weight`, `boot_from`, `usbs`, `vdisks_add`, ...) are accepted and not modelled.
 * It follows the public `set`'s rules (no resize while running, 1600 on HA).
 *
 * By design (DSM is silent, see the README's differences): an unknown guest answers 401; with
 * `guest_id` given, a `guest_name` other than the guest's renames it (the Terraform provider
 * sends a renamed resource that way); an ISO slot naming an image that is not a ready ISO image
 * answers 906; `get` answers the list's object for one guest.
 */
import { z } from "zod";
import { bool, int, json, ref, text } from "../../dsm/codecs";
import { RawJson } from "../../dsm/envelope";
import { ErrorAnswer } from "../../dsm/errors";
import { type ApiOperations, type CallContext, op } from "../../dsm/operation";
import type { Ref } from "../../model/context";
import { editGuest, findGuest, mountIsos } from "../../model/guests";
import { ONLINE } from "../../model/status";
import type { Group } from "../../store/changes";
import type { GuestRecord } from "../../store/guests";
import { INTERNAL_REFUSALS } from "./codes";
import { inventoryOf, presentGuest, presentSetting } from "./present";

const guestRef = { guest_id: ref(), guest_name: ref() };
const refOf = (p: { guest_id?: string | undefined; guest_name?: string | undefined }): Ref =>
  p.guest_id !== undefined ? { id: p.guest_id } : { name: p.guest_name };

/** Two CD-ROM slots: image ids or "unmounted"; `null` (the 4 characters) leaves them as they are. */
const isoSlots = json(
  z
    .array(z.union([z.string(), z.number()]).transform(String))
    .max(2)
    .nullable(),
);

/** DSM's autorun: 0 off, 1 last state, 2 on; some clients send a boolean. */
const autorunCodec = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === "") return undefined;
    if (v === "true" || v === "false") return v === "true" ? 2 : 0;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 2) {
      ctx.addIssue({ code: "custom", message: "autorun is 0, 1 or 2" });
      return z.NEVER;
    }
    return n;
  });

function present(ctx: CallContext) {
  const inv = inventoryOf(ctx.store.inventory.hosts(), ctx.store.inventory.storages());
  return (g: Parameters<typeof presentGuest>[0]) => presentGuest(g, inv, ctx.now);
}

/**
 * Serialised guests of the list, keyed weakly by the store's records (the same object until the
 * guest changes). A guest that is off reads only its record and the hosts and storages, kept
 * until the inventory changes; a running one's usage figures move with the clock, so it is
 * kept only while its figures come out the same. The list is those fragments joined: the bytes
 * JSON.stringify writes. The last answer is reused, encoded, while its text comes out the same.
 */
const fragments = new WeakMap<GuestRecord, { readonly stamp: number; readonly text: string }>();
const INVENTORY: readonly Group[] = ["inventory"];
let lastList: RawJson | undefined;

function listAnswer(ctx: CallContext): RawJson {
  const { store } = ctx;
  const system = store.system.get();
  const statuses = store.inventory.hostStatuses();
  const frozen = statuses.filter((s) => s === "inaccessible").length;
  let presenter: ReturnType<typeof present> | undefined;
  const fragment = (g: GuestRecord): string => {
    const kept = fragments.get(g);
    const online = ONLINE.has(g.status);
    if (kept !== undefined && !online && store.changes.unchanged(kept.stamp, INVENTORY)) return kept.text;
    const stamp = store.changes.stamp();
    presenter ??= present(ctx);
    const text = JSON.stringify(presenter(g));
    if (!online) fragments.set(g, { stamp, text });
    return text;
  };
  const text = `{"canHA":${system.ha_enabled === 1},"canMove":${system.pro_licence === 1},"guests":[${store.guests
    .list()
    .map(fragment)
    .join(",")}],"is_freeze":${frozen * 2 > statuses.length}}`;
  if (lastList?.text !== text) lastList = new RawJson(text);
  return lastList;
}

export const internalGuestApi: ApiOperations<"SYNO.Virtualization.Guest"> = {
  refusals: INTERNAL_REFUSALS,
  methods: {
    list: op({
      params: z.object({ additional: bool(false) }),
      run: listAnswer,
    }),
    get: op({
      params: z.object({ ...guestRef, additional: bool(false) }),
      run: (ctx, p) => present(ctx)(ctx.store.guests.record(findGuest(ctx.store, refOf(p)))),
    }),
    get_setting: op({
      params: z.object(guestRef),
      run: (ctx, p) => presentSetting(ctx.store.guests.record(findGuest(ctx.store, refOf(p)))),
    }),
    // The host's USB devices a guest could take: the emulated hosts have none.
    usb_list: op({ params: z.object({}), run: () => ({ usbs: [] }) }),
    set: op({
      params: z.object({
        ...guestRef,
        new_guest_name: ref(),
        name: ref(),
        description: text(),
        desc: text(),
        autorun: autorunCodec,
        vcpu_num: int(1, 256),
        vram_size: int(1, 1024 * 1024),
        iso_images: isoSlots,
      }),
      run: (ctx, p) => {
        const guest = findGuest(ctx.store, refOf(p));
        const renamed =
          p.new_guest_name ??
          p.name ??
          (p.guest_id !== undefined && p.guest_name !== undefined && p.guest_name !== guest.guest_name
            ? p.guest_name
            : undefined);
        const { haFailed } = editGuest(ctx, guest, {
          guest_name: renamed,
          description: p.description ?? p.desc,
          autorun: p.autorun,
          vcpu_num: p.vcpu_num,
          vram_size: p.vram_size,
        });
        if (p.iso_images !== undefined && p.iso_images !== null) {
          const slot = (i: number): Ref | null => {
            const id = p.iso_images?.[i];
            return id === undefined || id === "unmounted" || id === "" ? null : { id };
          };
          mountIsos(ctx, guest, [slot(0), slot(1)]);
        }
        return haFailed ? new ErrorAnswer(INTERNAL_REFUSALS.ha_reservation) : undefined;
      },
    }),
  },
};
