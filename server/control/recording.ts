/**
 * The journal as a recording in the conformance kit's format (conformance/record/recording.ts,
 * format 1): a client's real session against the emulator, which `vmm-conformance replay`
 * plays against a target (a NAS too), the reads first. Every exchange is of the scenario
 * `journal`; the kit's replay knows that name and sends the calls themselves instead of
 * running scenarios.
 *
 * Left out: login and logout (the replaying client logs in with its own account), calls whose
 * answer was cut (MAX_JOURNAL_BODY) or made by a transport fault, and the session parameters
 * (`_sid`, `SynoToken`), which the replaying client sets itself. Secret values stay `***`.
 */
import type { JournalEntry } from "./journal";

/** The scenario name of a recording made from the journal. */
export const JOURNAL_SCENARIO = "journal";
const SESSION_PARAMS = new Set(["_sid", "synotoken", "api", "method", "version"]);

export interface RecordingSystem {
  model: string;
  dsm_version: string;
}

export function journalRecording(entries: readonly JournalEntry[], system: RecordingSystem, at: string) {
  const exchanges = entries.flatMap((e) => {
    if (e.api === null || e.method === null || e.api === "SYNO.API.Auth") return [];
    if (e.response === undefined || e.response.truncated !== undefined || e.transport !== undefined)
      return [];
    let response: unknown;
    try {
      response = JSON.parse(e.response.body);
    } catch {
      return [];
    }
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(e.params)) if (!SESSION_PARAMS.has(k.toLowerCase())) params[k] = v;
    return [
      {
        scenario: JOURNAL_SCENARIO,
        owned: false,
        api: e.api,
        method: e.method,
        version: String(e.version ?? 1),
        params,
        response,
      },
    ];
  });
  return {
    format: 1 as const,
    source: "emulator journal (GET /__admin/journal/recording)",
    dsm_version: system.dsm_version,
    model: system.model,
    recorded_at: at.slice(0, 10),
    tier: "readonly",
    stable_fields: ["success", "code"],
    scenarios: [JOURNAL_SCENARIO],
    exchanges,
  };
}
