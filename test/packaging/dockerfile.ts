/**
 * The Dockerfile without Docker: its stages parsed, and their steps run in a scratch folder,
 * each absolute path of the image (`/app`, `/data`) under that folder. What needs an image's
 * root cannot be done here and is skipped by name (NOT_HERE): the system packages (this machine
 * has python3, make and g++) and the volume's owner (`USER node` likewise: the steps run as the
 * test's own user).
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, symlinkSync } from "node:fs";
import { basename, join } from "node:path";
import { expect } from "vitest";
import { freePort } from "../support/processes";
import { launch, ROOT, recipe } from "./support";

export interface Stage {
  readonly name: string | undefined;
  readonly steps: readonly { readonly instruction: string; readonly args: string }[];
}

export interface Image {
  readonly stages: readonly Stage[];
  /** The last stage's settings: what `docker run` starts. */
  readonly env: Readonly<Record<string, string>>;
  readonly exposed: readonly string[];
  readonly volumes: readonly string[];
  readonly user: string | undefined;
  readonly healthcheck: readonly string[];
  readonly cmd: readonly string[];
}

/** Instructions with `\` continuations joined, comments dropped, grouped by stage. */
export function parseDockerfile(text: string): Image {
  const lines = text.replace(/\\\n/g, " ").split("\n");
  const stages: { name: string | undefined; steps: { instruction: string; args: string }[] }[] = [];
  for (const line of lines.map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"))) {
    const [instruction = "", ...rest] = line.split(/\s+/);
    const args = rest.join(" ");
    if (instruction === "FROM") stages.push({ name: /\sAS\s+(\S+)$/i.exec(line)?.[1], steps: [] });
    else stages.at(-1)?.steps.push({ instruction, args });
  }
  const last = stages.at(-1)?.steps ?? [];
  const all = (instruction: string) => last.filter((s) => s.instruction === instruction).map((s) => s.args);
  const env: Record<string, string> = {};
  for (const args of all("ENV"))
    for (const [, key = "", value = ""] of args.matchAll(/(\w+)=("[^"]*"|\S+)/g))
      env[key] = value.replace(/"/g, "");
  const health = all("HEALTHCHECK")[0] ?? "";
  return {
    stages,
    env,
    exposed: all("EXPOSE").flatMap((a) => a.split(/\s+/)),
    volumes: all("VOLUME"),
    user: all("USER").at(-1),
    healthcheck: JSON.parse(health.slice(health.indexOf("CMD ") + 4) || "[]") as string[],
    cmd: JSON.parse(all("CMD").at(-1) ?? "[]") as string[],
  };
}

/** RUN steps that need an image's root, with the reason they are skipped here. */
export const NOT_HERE: readonly { readonly match: RegExp; readonly why: string }[] = [
  { match: /^apt-get /, why: "system packages: this machine has python3, make and g++" },
  { match: /chown node:node/, why: "the volume's owner: the test makes its own data folder" },
];

/** A path of the image, under the scratch folder of the stage. */
export const inStage = (root: string, path: string) => join(root, path);

/**
 * Runs one stage's WORKDIR, COPY and RUN steps under `root`. `COPY --from=<stage>` takes from
 * `built[stage]`; with `link`, folders are linked instead of copied (npm test's fast run links
 * this project's own node_modules rather than copying a few hundred MB).
 */
export function runStage(
  stage: Stage,
  root: string,
  options: { built?: Record<string, string>; link?: boolean; log?: (line: string) => void } = {},
): void {
  let workdir = "/";
  for (const { instruction, args } of stage.steps) {
    const cwd = inStage(root, workdir);
    if (instruction === "WORKDIR") {
      workdir = args;
      mkdirSync(inStage(root, workdir), { recursive: true });
    } else if (instruction === "COPY") {
      const from = /^--from=(\S+)\s+/.exec(args)?.[1];
      const paths = args.replace(/^--from=\S+\s+/, "").split(/\s+/);
      const dest = paths.pop() ?? ".";
      for (const source of paths.flatMap((p) => (from === undefined ? expand(p) : [p]))) {
        const src = from === undefined ? join(ROOT, source) : inStage(options.built?.[from] ?? "", source);
        const target = dest.endsWith("/") ? join(cwd, dest, basename(source)) : join(cwd, dest);
        if (options.link && from !== undefined) symlinkSync(src, target);
        else cpSync(src, target, { recursive: true });
      }
    } else if (instruction === "RUN") {
      const skipped = NOT_HERE.find((n) => n.match.test(args));
      if (skipped !== undefined) {
        options.log?.(`skipped RUN ${args}: ${skipped.why}`);
        continue;
      }
      execFileSync("bash", ["-c", args], { cwd, stdio: "pipe", maxBuffer: 64 * 1024 * 1024 });
    }
  }
}

/** A COPY source of the context: a `*` in its name matches what is there (maybe nothing, as Docker allows beside another source). */
function expand(source: string): string[] {
  if (!source.includes("*")) return [source];
  const pattern = new RegExp(`^${source.replace(/[.]/g, "\\.").replace(/\*/g, ".*")}$`);
  return readdirSync(ROOT).filter((name) => pattern.test(name));
}

/** `environment:` of the compose service, as `docker compose` passes it (comments left out). */
export function composeEnvironment(): Record<string, string> {
  const yaml = recipe("docs/packaging.md", "compose");
  const block = yaml.slice(yaml.indexOf("environment:") + "environment:".length);
  const env: Record<string, string> = {};
  for (const [, key = "", value = ""] of block.matchAll(/^ {6}(\w+): "?([^"\n]*)"?$/gm)) env[key] = value;
  return env;
}

/**
 * Starts the image's CMD in `app` (the image's /app) with its ENV, /data under `data`, `extra`
 * as `docker run -e` would add, and free ports for 5000 and 5001 (this machine may use those).
 */
export async function runImage(img: Image, app: string, data: string, extra: Record<string, string>) {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(img.env)) env[key] = value.replace(/^\/data\b/, data);
  Object.assign(env, extra, {
    VMM_EMULATOR_PORT: String(await freePort()),
    VMM_EMULATOR_HTTPS_PORT: String(await freePort()),
  });
  const [node, ...args] = img.cmd;
  expect(node).toBe("node");
  const proc = launch(process.execPath, args, { cwd: app, env });
  const health = () => launch(process.execPath, img.healthcheck.slice(1), { env }).done;
  return { proc, env, health };
}
