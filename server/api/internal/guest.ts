/**
 * SYNO.Virtualization.Guest (the web UI's dialect): `list`, `get`, `get_setting`, `usb_list`
 * and `set`, over the same guests as the guide's API, memory in KiB (set takes MB).
 *
 * `set` takes both forms real clients send: go-synology's (`guest_id` with the current
 * `guest_name`, `vcpu_num`, `vram_size` in MB, `autorun` always, `iso_images` null or two slots,
 * `new_guest_name`, `description`) and the web UI's (`name`, `desc`, ...); the web UI's other
 * fields (`cpu_weight`, `boot_from`, `usbs`, `vdisks_add`, ...) are accepted and not modelled.
 * It follows the public `set`'s rules (no resize while running, 1600 on HA).
 *
 * DSM's refusal, reproduced on purpose: `guest_name` sent empty (`guest_name=`, which go-synology
 * 83ae2f7 sends beside `guest_id` after every create of the Terraform provider 0.6.11) answers
 * 401 before anything changes, as real DSM answered it in terraform-provider-synology issue #203
 * ("[401] Bad parameter"; the guest stays as created). The same call with the guest's own name
 * succeeds.
 *
 * By design (DSM is silent, see docs/differences.md): an unknown guest answers 401; with
 * `guest_id` given, a `guest_name` other than the guest's renames it (the Terraform provider
 * sends a renamed resource that way); an ISO slot naming an image that is not a ready ISO image
 * answers 906; `get` answers the list's object for one guest.
 */
import { z } from "zod";
import { freezeOf } from "../../model/cluster";
import { type Ref, refOf } from "../../model/context";
import { editGuest, findGuest, mountIsos } from "../../model/guests";
import type { Usage } from "../../model/telemetry";
import { slot } from "../../store/answers";
import { type Group, Kept } from "../../store/changes";
import type { GuestRecord } from "../../store/guests";
import type { Store } from "../../store/index";
import type { SystemRow } from "../../store/system";
import { bool, int, json, ref, text } from "../../wire/codecs";
import { jsonArrayParts, RawJson } from "../../wire/envelope";
import { ErrorAnswer } from "../../wire/errors";
import { type ApiOperations, type CallContext, op } from "../../wire/operation";
import { guestRef } from "../params";
import { INTERNAL_REFUSALS } from "./codes";
import { type Inventory, inventoryOf, presentGuest, presentSetting, usageIn } from "./present";

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
  const { inv } = inventoryFor(ctx.store);
  return (g: GuestRecord) => presentGuest(g, inv, ctx.now);
}

/**
 * What the list was made from, kept weakly with the store's own objects, which stay the same
 * until what they hold changes (the records array, each record, the system row), and with the
 * moment it was made, valid while no host, storage or network changes (a guest shows its host's
 * name and memory, and its storage's host while it is off). A guest's serialisation is kept with
 * its record while that holds and, for a running guest, its usage figures (which move with the
 * clock) come out the same; the answer, encoded, while all of that holds. The list is the
 * fragments joined: the bytes JSON.stringify writes. Nothing is held once the store has moved
 * on; each emulator keeps its own (`ctx.store.answers`).
 */
interface Made {
  readonly stamp: number;
  readonly usage: string;
}
const INVENTORY: readonly Group[] = ["inventory"];
const KEPT = slot("internal Guest list", (changes) => ({
  inventory: new Kept<{ readonly stamp: number; readonly inv: Inventory }>(changes, INVENTORY),
  fragments: new WeakMap<GuestRecord, Made & { readonly bytes: Buffer }>(),
  lists: new WeakMap<GuestRecord[], Made & { readonly system: SystemRow; readonly answer: RawJson }>(),
}));

const figures = (u: Usage | undefined) => (u === undefined ? "" : `${u.cpuPerMille}/${u.ramUsed}`);

/** The hosts and storages as a guest's presentation reads them (fixed until the inventory changes). */
function inventoryFor(store: Store): { readonly stamp: number; readonly inv: Inventory } {
  return store.answers.of(KEPT).inventory.get(() => ({
    stamp: store.changes.stamp(),
    inv: inventoryOf(store.inventory.hosts(), store.inventory.storages()),
  }));
}

function listAnswer(ctx: CallContext): RawJson {
  const { store, now } = ctx;
  const { fragments, lists } = store.answers.of(KEPT);
  const records = store.guests.list();
  const system = store.system.get();
  const { stamp, inv } = inventoryFor(store);
  const usages = records.map((g) => usageIn(g, inv, now));
  const usage = usages.map(figures).join(",");
  const kept = lists.get(records);
  if (kept !== undefined && kept.stamp === stamp && kept.system === system && kept.usage === usage)
    return kept.answer;
  const fragment = (g: GuestRecord, i: number): Buffer => {
    const own = figures(usages[i]);
    const made = fragments.get(g);
    if (made !== undefined && made.stamp === stamp && made.usage === own) return made.bytes;
    const bytes = Buffer.from(JSON.stringify(presentGuest(g, inv, now, usages[i])), "utf8");
    fragments.set(g, { stamp, usage: own, bytes });
    return bytes;
  };
  const answer = new RawJson(
    jsonArrayParts(
      `{"canHA":${system.ha_enabled === 1},"canMove":${system.pro_licence === 1},"guests":`,
      records.map(fragment),
      `,"is_freeze":${freezeOf(store.inventory.hostStatuses()).frozen}}`,
    ),
  );
  lists.set(records, { stamp, usage, system, answer });
  return answer;
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
      run: (ctx, p) =>
        present(ctx)(ctx.store.guests.record(findGuest(ctx.store, refOf(p.guest_id, p.guest_name)))),
    }),
    get_setting: op({
      params: z.object(guestRef),
      run: (ctx, p) =>
        presentSetting(ctx.store.guests.record(findGuest(ctx.store, refOf(p.guest_id, p.guest_name)))),
    }),
    // The host's USB devices a guest could take: the emulated hosts have none.
    usb_list: op({ params: z.object({}), run: () => ({ usbs: [] }) }),
    set: op({
      params: z.object({
        guest_id: ref(),
        // Present and empty answers 401 (issue #203, above); absent is no name.
        guest_name: text().refine((v) => v !== "", "an empty guest_name answers 401 (DSM, issue #203)"),
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
        const guest = findGuest(ctx.store, refOf(p.guest_id, p.guest_name));
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
