/**
 * SYNO.DSM.Network list (v2): the NAS's hostname and network interfaces, as Home Assistant reads
 * them (the hostname names the device; the MACs identify the NAS across address changes).
 * Shapes as py-synologydsm-api's DSM 6 recordings; the interfaces are the NAS host's NICs, one
 * per VMM network it has (server/model/nas.ts).
 *
 * Gaps: addresses are made up per host (`192.168.<n>.<10 + host>`), the gateway and DNS server
 * are the first interface's `.1`, and each interface has only its link-local IPv6 address.
 */
import { z } from "zod";
import { nasOf } from "../../model/nas";
import { type ApiOperations, op } from "../../wire/operation";

/** The EUI-64 link-local address of a MAC (`00-11-32-ab-cd-ef` → `fe80::211:32ff:feab:cdef`). */
function linkLocal(mac: string): string {
  const b = mac.split("-").map((x) => Number.parseInt(x, 16));
  const [b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0] = b;
  const word = (hi: number, lo: number) => ((hi << 8) | lo).toString(16);
  return `fe80::${word(b0 ^ 2, b1)}:${word(b2, 0xff)}:${word(0xfe, b3)}:${word(b4, b5)}`;
}

const list = op({
  params: z.object({}),
  run: (ctx) => {
    const nas = nasOf(ctx.store, ctx.now);
    const gateway = (nas.interfaces[0]?.ip ?? "192.168.1.10").replace(/\.\d+$/, ".1");
    return {
      dns: [gateway],
      gateway,
      hostname: nas.host.host_name,
      interfaces: nas.interfaces.map((n) => ({
        id: n.id,
        ip: [{ address: n.ip, netmask: n.netmask }],
        ipv6: [{ address: linkLocal(n.mac), prefix_length: 64, scope: "link" }],
        mac: n.mac,
        type: "lan",
      })),
      workgroup: "WORKGROUP",
    };
  },
});

export const dsmNetworkApi: ApiOperations<"SYNO.DSM.Network"> = { methods: { list } };
