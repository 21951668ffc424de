/**
 * `vmm-conformance capture --out nas.json [--anonymise] [--fixture-password P]`: the target is
 * the kit's NAS settings (VMM_CONFORMANCE_TARGET=nas, VMM_NAS_URL, VMM_NAS_ACCOUNT,
 * VMM_NAS_PASSWORD, VMM_NAS_CERT_SHA256 or VMM_NAS_TLS...). Writes the fixture, and says on
 * stdout what it could not read and what it assumed. Exit codes: 0 written and everything read;
 * 1 written with some reads missing (or nothing written: the login failed); 2 bad usage.
 */
import { writeFileSync } from "node:fs";
import type { TargetConfig } from "../target";
import { totp } from "../totp";
import { capture } from "./capture";

function flag(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
}

export async function runCapture(config: TargetConfig, args: readonly string[]): Promise<number> {
  const out = flag(args, "--out");
  if (out === undefined) {
    console.error("usage: vmm-conformance capture --out <file.json> [--anonymise] [--fixture-password <p>]");
    return 2;
  }
  if (config.kind !== "nas" || config.url === undefined) {
    console.error(
      "capture reads a NAS: set VMM_CONFORMANCE_TARGET=nas, VMM_NAS_URL, VMM_NAS_ACCOUNT and VMM_NAS_PASSWORD",
    );
    return 2;
  }
  const secret = config.otp?.account === config.admin.account ? config.otp.secret : undefined;
  let result: Awaited<ReturnType<typeof capture>>;
  try {
    result = await capture({
      url: config.url,
      tls: config.tls,
      account: config.admin.account,
      password: config.admin.password,
      ...(secret === undefined ? {} : { otpCode: totp(secret, Date.now()) }),
      anonymise: args.includes("--anonymise"),
      fixturePassword: flag(args, "--fixture-password") ?? "synology",
      timeoutMs: config.wait.timeoutMs,
    });
  } catch (err) {
    console.error(`capture failed, nothing written: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
  writeFileSync(out, `${JSON.stringify(result.fixture, null, 2)}\n`);
  const f = result.fixture;
  console.log(
    `${out}: ${f.hosts.length} hosts, ${f.storages.length} storages, ${f.networks.length} networks, ` +
      `${f.images.length} images, ${f.guests.length} guests`,
  );
  for (const a of result.assumed) console.log(`assumed: ${a}`);
  for (const u of result.unread) console.log(`could not read ${u.what}: ${u.why}`);
  console.log(`start it: npx vmm-emulator --fixture ${out} --db :memory:`);
  return result.unread.some((u) => !u.why.startsWith("not served")) ? 1 : 0;
}
