/**
 * Which `Host` names the emulator answers to, against DNS rebinding: a page on
 * `attacker.example` whose name is re-pointed at 127.0.0.1 becomes same-origin with the
 * emulator, and could then log in with the fixture's password, read the control plane and
 * change state. Its requests carry `Host: attacker.example`, which no honest client sends.
 *
 * By design, allowed without configuration: IP literals (a rebinding page cannot make the
 * browser send one), `localhost` and `*.localhost`, single-label names (`dsm`, `nas`: a compose
 * service or a hosts-file entry; public DNS cannot hand a page one), and the `--host` name. Any
 * other name must be listed with `--allowed-hosts` (comma-separated; `*` turns the check off).
 */
import { isIP } from "node:net";

export type HostCheck = (hostHeader: string | undefined) => boolean;

/** The name of a `Host` header without its port, lower-cased; IPv6 without brackets. */
export function hostName(header: string): string {
  const value = header.trim().toLowerCase();
  if (value.startsWith("[")) return value.slice(1, value.indexOf("]") < 0 ? undefined : value.indexOf("]"));
  const colon = value.lastIndexOf(":");
  return colon < 0 ? value : value.slice(0, colon);
}

export function hostCheck(bindHost: string, allowed: readonly string[]): HostCheck {
  if (allowed.includes("*")) return () => true;
  const listed = new Set([...allowed, bindHost].map((h) => hostName(h)));
  return (header) => {
    // HTTP/1.0 clients may send no Host; they are not browsers running a page.
    if (header === undefined || header === "") return true;
    const name = hostName(header);
    if (name === "") return false;
    return (
      isIP(name) !== 0 ||
      name === "localhost" ||
      name.endsWith(".localhost") ||
      (/^[a-z0-9-]+$/.test(name) && !name.startsWith("-")) ||
      listed.has(name)
    );
  };
}
