/**
 * What a process holds, read from /proc (Linux): its descriptors, and the TCP sockets among them
 * on one local port with their states. The hardening tests count the server's own sockets this
 * way, not by timing: an in-process server shares /proc/self with its test's client sockets,
 * which are told apart by their local port (the server's end is the one bound to its port).
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

const STATES: Record<string, string> = {
  "01": "ESTABLISHED",
  "02": "SYN_SENT",
  "03": "SYN_RECV",
  "04": "FIN_WAIT1",
  "05": "FIN_WAIT2",
  "06": "TIME_WAIT",
  "07": "CLOSE",
  "08": "CLOSE_WAIT",
  "09": "LAST_ACK",
  "0A": "LISTEN",
  "0B": "CLOSING",
};

/** How many descriptors `pid` has open. */
export function descriptorCount(pid: number | "self" = "self"): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** The states of the sockets `pid` holds a descriptor for whose local port is `port` (not listening). */
export function serverSockets(port: number, pid: number | "self" = "self"): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m?.[1] !== undefined) inodes.add(m[1]);
    } catch {
      // closed meanwhile
    }
  }
  const states: string[] = [];
  for (const table of ["tcp", "tcp6"]) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/net/${table}`, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1];
      const state = cols[3];
      const inode = cols[9];
      if (local === undefined || state === undefined || inode === undefined) continue;
      if (Number.parseInt(local.split(":")[1] ?? "", 16) !== port || state === "0A") continue;
      if (inodes.has(inode)) states.push(STATES[state] ?? state);
    }
  }
  return states;
}

/** Polls `check` every 20 ms until it holds or `ms` pass (a bound for a loaded machine, not a timing); answers its last value. */
export async function eventually<T>(read: () => T, check: (value: T) => boolean, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  let value = read();
  while (!check(value) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 20));
    value = read();
  }
  return value;
}
