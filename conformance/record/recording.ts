/**
 * Recordings: the exchanges of a run's scenarios, normalised (see normalise.ts), stored under
 * fixtures/recordings/ with the DSM version, model and date of the target. Replay runs the same
 * scenarios against the emulator and compares (compare.ts): keys and types everywhere, timing
 * values by range (timing.ts), values of the stable fields only where the run controls them
 * (objects it created), lists by what they hold rather than by names, `success` and error codes
 * everywhere. Recordings are written by `record` only, never by hand.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import type { Exchange } from "../client/transport";
import type { RunResult } from "../runner/run";
import type { Scenario } from "../runner/scenario";
import { compareAnswers } from "./compare";
import { Normaliser } from "./normalise";

/** Fields whose values must match on objects the run created. */
export const STABLE_FIELDS = [
  "success",
  "code",
  "finish",
  "auto_clean_task",
  // Not `progress`: how far a task got when it was polled depends on timing (compared by type
  // and range, see timing.ts).
  "status",
  "autorun",
  "vcpu_num",
  "vram_size",
  "type",
  "controller",
  "model",
  "unmap",
  // Masked to their order of magnitude (see normalise.ts): a unit that differs shows.
  "vdisk_size",
  "guest_name",
  "image_name",
  "description",
] as const;

const exchangeSchema = z.strictObject({
  scenario: z.string(),
  /** Owned: about objects the run created, so stable values are compared too. */
  owned: z.boolean(),
  api: z.string(),
  method: z.string(),
  version: z.string(),
  params: z.record(z.string(), z.unknown()),
  response: z.unknown(),
  /** The HTTP status, content type and the names of the cookies set (absent in older recordings). */
  http: z
    .strictObject({ status: z.number(), content_type: z.string(), cookie_names: z.array(z.string()) })
    .optional(),
});
export type RecordedExchange = z.infer<typeof exchangeSchema>;

export const recordingSchema = z.strictObject({
  format: z.literal(1),
  /** "nas", or "emulator (simulated NAS)" for a sample recorded against the emulator. */
  source: z.string().min(1),
  dsm_version: z.string(),
  model: z.string(),
  recorded_at: z.string(),
  tier: z.string(),
  stable_fields: z.array(z.string()),
  scenarios: z.array(z.string()),
  exchanges: z.array(exchangeSchema),
});
export type Recording = z.infer<typeof recordingSchema>;

export function loadRecording(path: string): Recording {
  return recordingSchema.parse(JSON.parse(readFileSync(path, "utf8")));
}

/** Collects exchanges per scenario while a run goes on (pass its hooks to runConformance). */
export class Recorder {
  #current: Scenario | undefined;
  readonly raw: { scenario: Scenario; exchange: Exchange }[] = [];
  readonly onScenario = (s: Scenario | undefined) => {
    this.#current = s;
  };
  readonly onExchange = (exchange: Exchange) => {
    if (this.#current !== undefined) this.raw.push({ scenario: this.#current, exchange });
  };

  /** Normalised exchanges, consecutive repeats of one call (polls) collapsed to the last. */
  exchanges(runId: string, prefix: string): RecordedExchange[] {
    const normaliser = new Normaliser({ runId, runPrefix: prefix });
    const out: RecordedExchange[] = [];
    for (const { scenario, exchange } of this.raw) {
      const p = exchange.params;
      const entry: RecordedExchange = {
        scenario: scenario.id,
        owned: scenario.tier !== "readonly",
        api: p.api ?? "",
        method: p.method ?? "",
        version: p.version ?? "",
        params: normaliser.params(p),
        response: normaliser.value(exchange.body),
        http: {
          status: exchange.status,
          content_type: exchange.contentType ?? "",
          cookie_names: (exchange.cookies ?? []).map((c) => c.split("=")[0]?.trim() ?? ""),
        },
      };
      const last = out[out.length - 1];
      // Only polls are merged: the same call with the same parameters, one after the other.
      if (
        last !== undefined &&
        last.scenario === entry.scenario &&
        last.api === entry.api &&
        last.method === entry.method &&
        JSON.stringify(last.params) === JSON.stringify(entry.params)
      ) {
        out[out.length - 1] = entry;
      } else {
        out.push(entry);
      }
    }
    return out;
  }

  recording(result: RunResult, prefix: string, source: string): Recording {
    const exchanges = this.exchanges(result.runId, prefix);
    return {
      format: 1,
      source,
      dsm_version: result.target.dsmVersion,
      model: result.target.model,
      recorded_at: result.startedAt.slice(0, 10),
      tier: result.target.tier,
      stable_fields: [...STABLE_FIELDS],
      scenarios: [...new Set(exchanges.map((e) => e.scenario))],
      exchanges,
    };
  }
}

/** Differences between a recording and a replay of the same scenarios. */
export function compareRecordings(recorded: Recording, replayed: readonly RecordedExchange[]): string[] {
  const problems: string[] = [];
  const fields = new Set(recorded.stable_fields);
  const key = (e: RecordedExchange, i: number) => `${e.scenario} #${i} ${e.api}.${e.method}`;
  const index = (list: readonly RecordedExchange[]) => {
    const seen = new Map<string, number>();
    const byKey = new Map<string, RecordedExchange>();
    for (const e of list) {
      const base = `${e.scenario} ${e.api}.${e.method}`;
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      byKey.set(key(e, n), e);
    }
    return byKey;
  };
  const replayedByKey = index(replayed);
  for (const [k, rec] of index(recorded.exchanges)) {
    const rep = replayedByKey.get(k);
    if (rep === undefined) {
      problems.push(`${k}: recorded, not made in replay`);
      continue;
    }
    const answers = compareAnswers(rec.response, rep.response, { stable: fields, owned: rec.owned });
    for (const d of answers) problems.push(`${k}: ${d}`);
    if (rec.http !== undefined && rep.http !== undefined) {
      for (const field of ["status", "content_type", "cookie_names"] as const) {
        const [r, p] = [JSON.stringify(rec.http[field]), JSON.stringify(rep.http[field])];
        if (r !== p) problems.push(`${k}: HTTP ${field} recorded ${r}, replayed ${p}`);
      }
    }
  }
  return problems;
}
