/**
 * SYNO.Core.System.Utilization get: the NAS's CPU, memory, network, disk and volume activity,
 * as Home Assistant's CPU, memory and network sensors read it. Memory in KiB and loads in whole
 * percent, as py-synologydsm-api's DSM 6 recording shows; the load averages are × 100.
 *
 * Gaps: disk and volume I/O and the network's bytes per second are simulated from the running
 * guests (nothing moves data here); there is no swap in use and no history (1, 5 and 15 minutes
 * are the same figure).
 */
import { z } from "zod";
import { disksOf, nasOf } from "../../model/nas";
import { ONLINE } from "../../model/status";
import { type ApiOperations, op } from "../../wire/operation";

const KIB_PER_MIB = 1024;
/** The swap a DSM 7 install sets up (2 GiB), in KiB. */
const TOTAL_SWAP = 2 * 1024 * 1024;

const get = op({
  params: z.object({}),
  run: (ctx) => {
    const nas = nasOf(ctx.store, ctx.now);
    const running = ctx.store.guests
      .list()
      .filter((g) => g.host_id === nas.host.host_id && ONLINE.has(g.status)).length;
    const total = nas.memory.totalMiB * KIB_PER_MIB;
    const free = total - nas.memory.usedMiB * KIB_PER_MIB;
    // Linux keeps part of what is free as page cache and buffers; DSM's `real_usage` leaves both out.
    const cached = Math.round(free * 0.4);
    const buffer = Math.round(free * 0.02);
    // Each running guest moves a little data: a figure that follows the model, not a measurement.
    const io = (per: number) => running * per;
    const activity = (device: string, extra: Record<string, unknown>) => ({
      device,
      ...extra,
      read_access: io(3),
      read_byte: io(40_000),
      utilization: Math.min(100, io(2)),
      write_access: io(5),
      write_byte: io(120_000),
    });
    const interfaces = nas.interfaces.map((n, i) => ({
      device: n.id,
      rx: i === 0 ? io(9_000) : 0,
      tx: i === 0 ? io(4_000) : 0,
    }));
    return {
      cpu: {
        "15min_load": nas.load.average,
        "1min_load": nas.load.average,
        "5min_load": nas.load.average,
        device: "System",
        other_load: nas.load.other,
        system_load: nas.load.system,
        user_load: nas.load.user,
      },
      disk: {
        disk: disksOf(nas).map((d) =>
          activity(d.id, { display_name: `Drive ${d.number}`, type: "internal" }),
        ),
        total: activity("total", {}),
      },
      lun: [],
      memory: {
        avail_real: free - cached - buffer,
        avail_swap: TOTAL_SWAP,
        buffer,
        cached,
        device: "Memory",
        memory_size: total,
        real_usage: nas.memory.realUsage,
        si_disk: 0,
        so_disk: 0,
        swap_usage: 0,
        total_real: total,
        total_swap: TOTAL_SWAP,
      },
      network: [
        {
          device: "total",
          rx: interfaces.reduce((a, n) => a + n.rx, 0),
          tx: interfaces.reduce((a, n) => a + n.tx, 0),
        },
        ...interfaces,
      ],
      space: {
        total: activity("total", {}),
        volume: nas.volumes.map((v, i) => activity(`md${i + 2}`, { display_name: `volume${v.number}` })),
      },
      time: Math.floor(ctx.now / 1000),
    };
  },
});

export const utilizationApi: ApiOperations<"SYNO.Core.System.Utilization"> = { methods: { get } };
