/**
 * Replay of a recording exported from the emulator's journal (`GET /__admin/journal/recording`,
 * scenario `journal`): a client's own session, sent call by call to a target, the reads first,
 * then the rest in their order. Every call goes through the kit's client and its safety guard at
 * the target's tier, so against a NAS at the readonly tier the changes are refused before being
 * sent and listed as not replayed. Each answer is compared with the recorded one: `success`, the
 * error code, and the shape (keys and types) of `data`.
 */
import { methodSpec } from "../../contract/apis";
import { DsmClient } from "../client/dsm-client";
import { Ledger, newRunId } from "../client/ledger";
import { SafetyGuard, SafetyRefusal } from "../client/safety";
import { openTarget, type TargetConfig } from "../target";
import { diffShapes, shapeOf } from "./normalise";
import type { Recording } from "./recording";

export const JOURNAL_SCENARIO = "journal";

export interface JournalReplay {
  /** Differences from the recording. */
  problems: string[];
  /** Calls not sent, and why (a secret parameter, the guard's tier). */
  skipped: string[];
  replayed: number;
}

export async function replayJournal(recording: Recording, config: TargetConfig): Promise<JournalReplay> {
  const target = await openTarget(config);
  const client = new DsmClient({
    baseUrl: target.url,
    tls: target.tls,
    guard: new SafetyGuard(target.tier, new Ledger(newRunId())),
  });
  const out: JournalReplay = { problems: [], skipped: [], replayed: 0 };
  try {
    await client.discover();
    await client.login(target.accounts.admin.account, target.accounts.admin.password);
    const calls = recording.exchanges.map((e, i) => ({ e, i }));
    const isRead = (api: string, method: string) => methodSpec(api, method)?.safety.class === "read";
    const ordered = [
      ...calls.filter(({ e }) => isRead(e.api, e.method)),
      ...calls.filter(({ e }) => !isRead(e.api, e.method)),
    ];
    for (const { e, i } of ordered) {
      const name = `#${i} ${e.api}.${e.method}`;
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries(e.params))
        params[k] = typeof v === "string" ? v : JSON.stringify(v);
      if (Object.values(params).includes("***")) {
        out.skipped.push(`${name}: a secret parameter was redacted in the journal`);
        continue;
      }
      let answer: Awaited<ReturnType<DsmClient["request"]>>;
      try {
        answer = await client.request({ api: e.api, method: e.method, version: e.version, ...params });
      } catch (err) {
        if (err instanceof SafetyRefusal) {
          out.skipped.push(`${name}: ${err.message} (tier ${target.tier})`);
          continue;
        }
        out.problems.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      out.replayed++;
      const recorded = e.response as { success?: boolean; data?: unknown; error?: { code?: number } };
      if (recorded.success !== answer.success) {
        out.problems.push(`${name}: recorded success ${recorded.success}, replayed ${answer.success}`);
      } else if (!answer.success && recorded.error?.code !== answer.error.code) {
        out.problems.push(`${name}: recorded error ${recorded.error?.code}, replayed ${answer.error.code}`);
      } else if (answer.success) {
        for (const d of diffShapes(shapeOf(recorded.data), shapeOf(answer.data)))
          out.problems.push(`${name}: ${d}`);
      }
    }
  } finally {
    await client.logout().catch(() => {});
    await client.close();
    await target.close();
  }
  return out;
}
