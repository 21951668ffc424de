/**
 * `sweep --run-id X [--dry-run]`: removes what a run left behind on a target (a crashed or
 * killed run never got to its cleanup). It finds guests and images in that run's prefix,
 * powers running guests off, deletes guests before images, and reports every failure. The
 * safety guard is the same as a run's: deleting needs the owned tier, and only names in the
 * run's prefix can be touched.
 */
import { DsmClient } from "./client/dsm-client";
import { Ledger, RUN_PREFIX_BASE } from "./client/ledger";
import { SafetyGuard } from "./client/safety";
import { VmmApi } from "./client/vmm";
import { type CleanupFailure, cleanupLedger } from "./runner/cleanup";
import type { TargetConfig } from "./target";
import { Waiter } from "./wait";

export interface SweepResult {
  readonly found: readonly string[];
  readonly removed: readonly string[];
  readonly failures: readonly CleanupFailure[];
  /** Objects whose description names the run but whose name is outside its prefix: left alone. */
  readonly outsidePrefix: readonly string[];
}

export async function sweep(config: TargetConfig, runId: string, dryRun: boolean): Promise<SweepResult> {
  if (config.kind !== "nas" || config.url === undefined) {
    throw new Error("sweep needs a target that outlives a run: VMM_CONFORMANCE_TARGET=nas and VMM_NAS_URL");
  }
  const ledger = new Ledger(runId);
  if (!dryRun && config.tier === "readonly") {
    throw new Error(
      `deleting needs the owned tier: VMM_CONFORMANCE_TIER=owned and VMM_CONFORMANCE_ALLOW_OWNED=${new URL(config.url).hostname}`,
    );
  }
  const dsm = new DsmClient({
    baseUrl: config.url,
    tls: config.tls,
    guard: new SafetyGuard(dryRun ? "readonly" : config.tier, ledger),
  });
  const vmm = new VmmApi(dsm);
  try {
    await dsm.discover();
    await dsm.login(config.admin.account, config.admin.password);
    const guests = await vmm.listGuests();
    const images = await vmm.listImages();
    const found = [
      ...guests
        .filter((g) => ledger.inPrefix(g.guest_name))
        .map((g) => `guest ${g.guest_name} (${g.status})`),
      ...images.filter((i) => ledger.inPrefix(i.image_name)).map((i) => `image ${i.image_name}`),
    ];
    const outsidePrefix = guests
      .filter((g) => !ledger.inPrefix(g.guest_name) && g.description.includes(`run ${runId}`))
      .map((g) => `guest ${g.guest_name}`);
    if (dryRun) return { found, removed: [], failures: [], outsidePrefix };
    const failures = await cleanupLedger(vmm, ledger, new Waiter(config.wait));
    const left = new Set([
      ...(await vmm.listGuests()).filter((g) => ledger.inPrefix(g.guest_name)).map((g) => g.guest_name),
      ...(await vmm.listImages()).filter((i) => ledger.inPrefix(i.image_name)).map((i) => i.image_name),
    ]);
    const removed = found.filter((f) => !left.has(f.split(" ")[1] ?? ""));
    return { found, removed, failures, outsidePrefix };
  } finally {
    await dsm.logout().catch(() => {});
    await dsm.close();
  }
}

/** Run ids found in the names of guests and images on the target (`vmmconf-<id>-...`). */
const RUN_NAME = new RegExp(`^${RUN_PREFIX_BASE}-([0-9a-f]{8})-`);

/**
 * `sweep --all`: every earlier run's leftovers, run by run (each under its own ledger, so the
 * guard still allows only that run's prefix). Answers the results per run id.
 */
export async function sweepAll(config: TargetConfig, dryRun: boolean): Promise<Map<string, SweepResult>> {
  if (config.kind !== "nas" || config.url === undefined) {
    throw new Error("sweep needs a target that outlives a run: VMM_CONFORMANCE_TARGET=nas and VMM_NAS_URL");
  }
  const dsm = new DsmClient({ baseUrl: config.url, tls: config.tls });
  const vmm = new VmmApi(dsm);
  const runIds = new Set<string>();
  try {
    await dsm.discover();
    await dsm.login(config.admin.account, config.admin.password);
    for (const name of [
      ...(await vmm.listGuests()).map((g) => g.guest_name),
      ...(await vmm.listImages()).map((i) => i.image_name),
    ]) {
      const id = RUN_NAME.exec(name)?.[1];
      if (id !== undefined) runIds.add(id);
    }
  } finally {
    await dsm.logout().catch(() => {});
    await dsm.close();
  }
  const out = new Map<string, SweepResult>();
  for (const runId of [...runIds].sort()) out.set(runId, await sweep(config, runId, dryRun));
  return out;
}
