/**
 * SYNO.Virtualization.API.Guest: `list`, `get`, `create` (non-blocking), `set`, `delete`.
 *
 * Gaps: `additional` is accepted and changes nothing: the guide's examples show `vdisks` and
 * `vnics` without it, so they are always present; what more DSM adds with it is not documented.
 * Client quirks: numbers inside `vdisks`/`vnics` may be strings (`"vdisk_size":"10240"`);
 * `network_id: ""` means a vNIC that is not connected.
 * DSM's refusal, reproduced on purpose: `create` with `vcpu_num` or `vram_size` answers 401. The
 * guide does not list them, and the Terraform provider's source (0.6.11, `GuestResource.Create`)
 * says real DSM answers 401 to them, which is why it creates with the guide's four fields and
 * sets CPU and memory afterwards. A created guest has 1 vCPU and 1024 MB, as on DSM (issue #203).
 * By design: `create` also accepts `description` and `autorun` (guessed: no client is known to
 * send them now, no answer recorded), and `controller`/`model`/`unmap` inside vdisks/vnics.
 * On a cluster with HA whose hosts cannot reserve an edit's new figures, the edit stays applied
 * and 1600 answers (guide).
 */
import { z } from "zod";
import { refOf } from "../../model/context";
import { createGuest, deleteGuest, editGuest, findGuest, type VnicSpec } from "../../model/guests";
import { slot } from "../../store/answers";
import type { GuestRecord } from "../../store/guests";
import { bool, int, json, jsonInt, ref, requiredText, text } from "../../wire/codecs";
import { RawJson } from "../../wire/envelope";
import { ErrorAnswer } from "../../wire/errors";
import { type ApiOperations, op } from "../../wire/operation";
import { guestRef } from "../params";
import { PUBLIC_REFUSALS } from "./codes";
import { presentGuest } from "./present";

const idText = z.union([z.string(), z.number()]).transform(String);

const vdiskSpec = z.object({
  create_type: jsonInt(0, 1),
  vdisk_size: jsonInt(1, 64 * 1024 * 1024).optional(),
  image_id: idText.optional(),
  image_name: idText.optional(),
  controller: jsonInt(1, 3).optional(),
  unmap: z.boolean().optional(),
});

const vnicSpec = z.object({
  mac: z.string().optional(),
  network_id: idText.optional(),
  network_name: idText.optional(),
  model: jsonInt(1, 3).optional(),
});

/** `network_id` wins over `network_name`; an empty one of the two asks for no network at all. */
function networkOf(v: z.output<typeof vnicSpec>): VnicSpec["network"] {
  const wanted = v.network_id !== undefined ? { id: v.network_id } : { name: v.network_name };
  return (wanted.id ?? wanted.name) === "" ? null : wanted;
}

/**
 * Serialised answers, keyed weakly by the store's own objects: the store hands back the same
 * records array until a guest changes, and the same record for each guest that did not change,
 * so polling clients reuse one serialisation of the list and, after a change, all but the changed
 * guests' (the list is those fragments joined, the bytes JSON.stringify writes). The guests are
 * joined in runs of CHUNK, each kept with the records it was joined from, so after one change a
 * list of 10,000 is about 160 runs copied and one joined again. Nothing is held once the store
 * has moved on; each emulator keeps its own (`ctx.store.answers`).
 */
const KEPT = slot("Guest list and get", () => ({
  lists: new WeakMap<GuestRecord[], RawJson>(),
  fragments: new WeakMap<GuestRecord, Buffer>(),
  answers: new WeakMap<GuestRecord, RawJson>(),
  runs: new WeakMap<GuestRecord, { readonly records: readonly GuestRecord[]; readonly bytes: Buffer }>(),
}));
type Keeping = ReturnType<(typeof KEPT)["make"]>;
const CHUNK = 64;

/** The guests' fragments joined by commas, run by run. */
function joined(kept: Keeping, records: readonly GuestRecord[]): Buffer[] {
  const out: Buffer[] = [];
  for (let start = 0; start < records.length; start += CHUNK) {
    const part = records.slice(start, start + CHUNK);
    const first = part[0];
    if (first === undefined) continue;
    const run = kept.runs.get(first);
    let bytes: Buffer;
    if (run !== undefined && run.records.length === part.length && run.records.every((r, i) => r === part[i]))
      bytes = run.bytes;
    else {
      bytes = Buffer.concat(
        part.flatMap((r, i) => (i === 0 ? [fragmentOf(kept, r)] : [COMMA, fragmentOf(kept, r)])),
      );
      kept.runs.set(first, { records: part, bytes });
    }
    if (start > 0) out.push(COMMA);
    out.push(bytes);
  }
  return out;
}
const COMMA = Buffer.from(",");

function fragmentOf(kept: Keeping, record: GuestRecord): Buffer {
  let bytes = kept.fragments.get(record);
  if (bytes === undefined) {
    bytes = Buffer.from(JSON.stringify(presentGuest(record)), "utf8");
    kept.fragments.set(record, bytes);
  }
  return bytes;
}

export const guestApi: ApiOperations<"SYNO.Virtualization.API.Guest"> = {
  refusals: PUBLIC_REFUSALS,
  methods: {
    list: op({
      params: z.object({ additional: bool(false) }),
      run: (ctx) => {
        const kept = ctx.store.answers.of(KEPT);
        const records = ctx.store.guests.list();
        let answer = kept.lists.get(records);
        if (answer === undefined) {
          answer = new RawJson([Buffer.from('{"guests":['), ...joined(kept, records), Buffer.from("]}")]);
          kept.lists.set(records, answer);
        }
        return answer;
      },
    }),
    get: op({
      params: z.object({ additional: bool(false), ...guestRef }),
      run: (ctx, p) => {
        const kept = ctx.store.answers.of(KEPT);
        const record = ctx.store.guests.record(findGuest(ctx.store, refOf(p.guest_id, p.guest_name)));
        let answer = kept.answers.get(record);
        if (answer === undefined) {
          answer = new RawJson([fragmentOf(kept, record)]);
          kept.answers.set(record, answer);
        }
        return answer;
      },
    }),
    create: op({
      params: z.object({
        guest_name: requiredText(),
        storage_id: text(),
        storage_name: text(),
        vdisks: json(z.array(vdiskSpec).max(512)),
        vnics: json(z.array(vnicSpec).max(64)),
        auto_clean_task: bool(true),
        // Present at all (even empty) answers 401: see the header.
        vcpu_num: z.never({ message: "vcpu_num is not a create parameter (DSM answers 401)" }).optional(),
        vram_size: z.never({ message: "vram_size is not a create parameter (DSM answers 401)" }).optional(),
        description: text(),
        autorun: int(0, 2),
      }),
      run: (ctx, p) => ({
        task_id: createGuest(ctx, {
          name: p.guest_name,
          // An empty id is absent; an id wins over a name.
          storage: p.storage_id ? { id: p.storage_id } : { name: p.storage_name || undefined },
          vdisks: (p.vdisks ?? []).map((d) => ({
            controller: d.controller,
            unmap: d.unmap,
            size: d.vdisk_size,
            ...(d.create_type === 1
              ? { from: "image" as const, image: d.image_id ? { id: d.image_id } : { name: d.image_name } }
              : { from: "empty" as const }),
          })),
          vnics: (p.vnics ?? []).map((v) => ({ network: networkOf(v), mac: v.mac, model: v.model })),
          vcpus: 1,
          memory: 1024,
          description: p.description ?? "",
          autorun: p.autorun ?? 0,
          autoCleanTask: p.auto_clean_task,
        }),
      }),
    }),
    set: op({
      params: z.object({
        ...guestRef,
        new_guest_name: ref(),
        description: text(),
        autorun: int(0, 2),
        vcpu_num: int(1, 256),
        vram_size: int(1, 1024 * 1024),
      }),
      run: (ctx, p) => {
        const guest = findGuest(ctx.store, refOf(p.guest_id, p.guest_name));
        const { haFailed } = editGuest(ctx, guest, {
          guest_name: p.new_guest_name,
          description: p.description,
          autorun: p.autorun,
          vcpu_num: p.vcpu_num,
          vram_size: p.vram_size,
        });
        return haFailed ? new ErrorAnswer(PUBLIC_REFUSALS.ha_reservation) : undefined;
      },
    }),
    delete: op({
      params: z.object(guestRef),
      run: (ctx, p) => deleteGuest(ctx, findGuest(ctx.store, refOf(p.guest_id, p.guest_name))),
    }),
  },
};
