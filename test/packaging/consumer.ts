/**
 * Another project that installs this one: `npm pack` of the project (dist/ already built by the
 * global setup), then the tarball installed into a fresh folder, with no dev dependency of ours.
 *
 * `scripts: false` is npm test's cheap way: the install comes from npm's cache and runs no
 * install script, and the better-sqlite3 binary this project built is copied where its script
 * would have put it. These machines cannot download its prebuilt binary, so the script compiles
 * it (about 90 s on 2 cores); `scripts: true` does that, as the soak does.
 */
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { ROOT, scratch } from "./support";

const run = promisify(execFile);

export interface Consumer {
  readonly dir: string;
  readonly tarball: string;
  /** Runs a command in the consumer's folder; rejects on a non-zero exit, with its output. */
  exec(command: string, args: readonly string[], env?: Record<string, string>): Promise<string>;
  /** Writes a file of the consumer's. */
  write(name: string, text: string): void;
  remove(): void;
}

const version = (pkg: string) =>
  (JSON.parse(readFileSync(join(ROOT, "node_modules", pkg, "package.json"), "utf8")) as { version: string })
    .version;

/** Installs the packed project, plus `extra` packages of the consumer's own (`@types/node` always). */
export async function makeConsumer(options: {
  scripts: boolean;
  extra?: readonly string[];
}): Promise<Consumer> {
  const tmp = scratch("consumer");
  const dir = join(tmp.dir, "app");
  mkdirSync(dir);
  const exec = async (command: string, args: readonly string[], env: Record<string, string> = {}) => {
    try {
      const { stdout, stderr } = await run(command, args, {
        cwd: dir,
        env: { ...process.env, ...env },
        maxBuffer: 64 * 1024 * 1024,
      });
      return stdout + stderr;
    } catch (err) {
      const e = err as Error & { stdout?: string; stderr?: string };
      throw new Error(
        `${command} ${args.join(" ")} failed: ${e.message}\n${e.stdout ?? ""}${e.stderr ?? ""}`,
      );
    }
  };
  // The project's own scripts ran already (dist/ is fresh); a prepare here would only build again.
  const packed = await run("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", tmp.dir], {
    cwd: ROOT,
  });
  const tarball = join(tmp.dir, packed.stdout.trim().split("\n").pop() ?? "");
  writeFileSync(
    join(dir, "package.json"),
    `${JSON.stringify({ name: "consumer", private: true, type: "module" })}\n`,
  );
  await exec("npm", [
    "install",
    tarball,
    // The consumer's own types for Node, the version this project was checked with (cached).
    `@types/node@${version("@types/node")}`,
    ...(options.extra ?? []),
    "--omit=dev",
    "--prefer-offline",
    "--no-audit",
    "--no-fund",
    ...(options.scripts ? [] : ["--ignore-scripts"]),
  ]);
  if (!options.scripts) {
    const release = join(dir, "node_modules", "better-sqlite3", "build", "Release");
    mkdirSync(release, { recursive: true });
    copyFileSync(
      join(ROOT, "node_modules", "better-sqlite3", "build", "Release", "better_sqlite3.node"),
      join(release, "better_sqlite3.node"),
    );
  }
  return {
    dir,
    tarball,
    exec,
    write: (name, text) => writeFileSync(join(dir, name), text),
    remove: tmp.remove,
  };
}

/**
 * A consumer's TypeScript file: it must compile against the package's types, and each
 * `@ts-expect-error` fails the check if a type of ours decays to `any` (a .d.ts whose import
 * does not resolve, which skipLibCheck would otherwise hide).
 */
export const CONSUMER_TS = `import { type RunningEmulator, startEmulator } from "synology-vmm-emulator";
import { DsmClient, SCENARIOS } from "synology-vmm-emulator/conformance";
import { startEmulatorTarget } from "synology-vmm-emulator/conformance/emulator";

const emu: RunningEmulator = await startEmulator({ port: 0, db: ":memory:", timeScale: "instant" });
await emu.admin.updateHost("Synology-2", { status: "inaccessible" });
const one: unknown = emu.db.prepare("SELECT 1").get();
// @ts-expect-error: a better-sqlite3 Database, typed: it has no such method
emu.db.noSuchMethod();
// @ts-expect-error: the options are typed from the zod schema
await startEmulator({ timeScale: "sometimes" });
const client = new DsmClient({ baseUrl: emu.url });
// @ts-expect-error: the kit's client is typed too
client.noSuchMethod();
console.log(one, SCENARIOS.length, typeof startEmulatorTarget);
await emu.close();
`;

/**
 * The TypeScript snippets of README.md and docs/ that import nothing but the package: a consumer
 * copying one must get code that compiles. As `docs-<n>.ts`, beside CONSUMER_TS.
 */
export function docSnippets(): Record<string, string> {
  const files = ["README.md", ...readdirSync(join(ROOT, "docs")).map((f) => `docs/${f}`)].filter((f) =>
    f.endsWith(".md"),
  );
  const snippets: Record<string, string> = {};
  for (const file of files)
    for (const [, code = ""] of readFileSync(join(ROOT, file), "utf8").matchAll(/```ts\n([\s\S]*?)```/g)) {
      const imported = [...code.matchAll(/from "([^"]+)"/g)].map((m) => m[1] ?? "");
      if (imported.length > 0 && imported.every((i) => i.startsWith("synology-vmm-emulator")))
        snippets[`docs-${Object.keys(snippets).length}.ts`] = `// ${file}\n${code}`;
    }
  return snippets;
}

/** A tsconfig for CONSUMER_TS in `consumer.ts`, and `files`, under one module resolution. */
export function consumerTsconfig(
  resolution: "NodeNext" | "Bundler",
  skipLibCheck: boolean,
  files: readonly string[] = [],
): string {
  return JSON.stringify({
    compilerOptions: {
      module: resolution === "NodeNext" ? "NodeNext" : "ESNext",
      moduleResolution: resolution,
      target: "ES2022",
      strict: true,
      skipLibCheck,
      noEmit: true,
      types: ["node"],
    },
    files: ["consumer.ts", ...files],
  });
}

/** The project's TypeScript compiler, run on a consumer's tsconfig (the consumer installs none). */
export const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");
