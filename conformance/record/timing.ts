/**
 * Timing-dependent values: how far a task got, how long the NAS has been up, how loaded it is.
 * Two readings of one of them differ by nature, so recordings compare them by type and range
 * rather than by value or not at all: progress 37 and 80 are alike, "80" or 150 is a difference.
 */
interface Range {
  readonly label: string;
  readonly max: number;
  readonly integer: boolean;
}

const PERCENT: Range = { label: "integer 0–100", max: 100, integer: true };
const PER_MILLE: Range = { label: "integer 0–1000", max: 1000, integer: true };
const PER_TEN_THOUSAND: Range = { label: "integer 0–10000", max: 10_000, integer: true };
const COUNT: Range = { label: "integer ≥ 0", max: Number.POSITIVE_INFINITY, integer: true };

/** The fields, by key, and the range each of DSM's readings falls in. */
export const TIMING_RANGES: Readonly<Record<string, Range>> = {
  progress: PERCENT,
  sysProgress: PERCENT,
  uptime: COUNT,
  // The internal dialect's loads: a guest's vCPU per mille of its host; a host's CPU per mille,
  // Cluster `get_guest`'s CPU and RAM per ten thousand (one key, two units: the wider range).
  vcpu_usage: PER_MILLE,
  cpu_usage: PER_TEN_THOUSAND,
  ram_usage: PER_TEN_THOUSAND,
  // SYNO.Core.System.Utilization: loads and usages are percentages, the load averages ×100.
  user_load: PERCENT,
  system_load: PERCENT,
  other_load: PERCENT,
  real_usage: PERCENT,
  swap_usage: PERCENT,
  utilization: PERCENT,
  "1min_load": COUNT,
  "5min_load": COUNT,
  "15min_load": COUNT,
};

/** A number's type under a timing key, range included: `integer 0–100`, or what it is instead. */
export function timingType(key: string, value: number): string | undefined {
  const range = TIMING_RANGES[key];
  if (range === undefined) return undefined;
  const fits = value >= 0 && value <= range.max && (!range.integer || Number.isInteger(value));
  return fits ? range.label : `number outside ${range.label}`;
}
