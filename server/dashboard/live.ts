/**
 * The live sections: each part of the page that changes, rendered from one read of the source.
 * The first view and every refresh (`GET /dashboard/live`) come from the same functions, so the
 * page without JavaScript and the page after a refresh cannot differ, and all escaping happens
 * on the server.
 */
import type { Buttons } from "./action";
import type { Html } from "./html";
import { clusterSection, hostsSection, storagesSection } from "./render-cluster";
import { connectSection } from "./render-connect";
import { clockSection, faultsSection, snapshotsSection } from "./render-controls";
import { guestsSection } from "./render-guests";
import { accountsSection, imagesSection, networksSection } from "./render-inventory";
import { isUnimplemented, journalSection, unimplementedSection } from "./render-journal";
import { tasksSection } from "./render-tasks";
import type { DashboardSource, JournalEntryView, JournalQuery } from "./source";

/** Journal rows sent at most, newest first. */
export const JOURNAL_LIMIT = 200;
/** Newest calls searched for a text filter: bounded work per refresh, whatever `--journal-size` is. */
const JOURNAL_SCAN = 5000;

export const OUTCOMES = ["all", "error", "unimplemented", "fault", "success"] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** What the journal view shows: `api` and `method` match any part of the name, ignoring case. */
export interface JournalFilter {
  readonly api: string;
  readonly method: string;
  readonly outcome: Outcome;
  readonly code: number | undefined;
}

export const SECTIONS = [
  "connect",
  "cluster",
  "hosts",
  "storages",
  "guests",
  "images",
  "networks",
  "accounts",
  "tasks",
  "journal",
  "unimplemented",
  "faults",
  "clock",
  "snapshots",
] as const;
export type SectionId = (typeof SECTIONS)[number];

/** The filter from a query string; anything unrecognised means "no filter" rather than an error. */
export function parseFilter(query: Readonly<Record<string, string | undefined>>): JournalFilter {
  const outcome = OUTCOMES.find((o) => o === query.outcome) ?? "all";
  const code = Number(query.code);
  return {
    api: (query.api ?? "").trim().slice(0, 200),
    method: (query.method ?? "").trim().slice(0, 200),
    outcome,
    code: query.code !== undefined && query.code !== "" && Number.isInteger(code) ? code : undefined,
  };
}

export function isFiltered(f: JournalFilter): boolean {
  return f.api !== "" || f.method !== "" || f.outcome !== "all" || f.code !== undefined;
}

/** The newest JOURNAL_LIMIT calls that match, newest last (as the journal orders them). */
export function journalEntries(source: DashboardSource, f: JournalFilter): readonly JournalEntryView[] {
  const query: JournalQuery = {
    ...(f.code === undefined ? {} : { code: f.code }),
    ...(f.outcome === "success" ? { status: "success" } : {}),
    ...(f.outcome === "error" || f.outcome === "unimplemented" ? { status: "error" } : {}),
  };
  const ownFilter = f.api !== "" || f.method !== "" || f.outcome === "unimplemented" || f.outcome === "fault";
  // What the journal cannot filter itself is filtered here, over a bounded window of the newest calls.
  const scanned = source.journal.entries({ ...query, limit: ownFilter ? JOURNAL_SCAN : JOURNAL_LIMIT });
  if (!ownFilter) return scanned;
  const api = f.api.toLowerCase();
  const method = f.method.toLowerCase();
  const kept = scanned.filter(
    (e) =>
      (api === "" || (e.api ?? "").toLowerCase().includes(api)) &&
      (method === "" || (e.method ?? "").toLowerCase().includes(method)) &&
      (f.outcome !== "unimplemented" || isUnimplemented(e)) &&
      (f.outcome !== "fault" || e.fault_rule !== undefined),
  );
  return kept.slice(Math.max(0, kept.length - JOURNAL_LIMIT));
}

/** `buttons`: disabled in the first view (inert without the script), enabled in live refreshes. */
export function renderSections(
  source: DashboardSource,
  filter: JournalFilter,
  buttons: Buttons,
): Record<SectionId, Html> {
  // state() applies everything due first, so the clock read after it shows the same instant.
  const state = source.state();
  const connection = source.connection();
  return {
    connect: connectSection(connection, state),
    cluster: clusterSection(state),
    hosts: hostsSection(state),
    storages: storagesSection(state),
    guests: guestsSection(state, buttons),
    images: imagesSection(state),
    networks: networksSection(state),
    accounts: accountsSection(state),
    tasks: tasksSection(state),
    journal: journalSection(journalEntries(source, filter), isFiltered(filter), connection?.url),
    unimplemented: unimplementedSection(source.journal.unimplemented()),
    faults: faultsSection(source.faults.list(), buttons),
    clock: clockSection(source.clock()),
    snapshots: snapshotsSection(source.snapshots(), buttons),
  };
}
