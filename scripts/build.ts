/**
 * `npm run build`: compiles contract/, server/ and conformance/ into dist/ (JavaScript and `.d.ts`),
 * the same tree one folder down, so that every `new URL("../x", import.meta.url)` of the sources
 * still finds its file: the data beside the code (the dashboard's assets, the kit's
 * expectations) and fixtures/ are copied to the same places.
 *
 * Type errors do not stop it (`noCheck`: `npm test`'s `tsc --noEmit` is the type check), which
 * makes it twice as fast. The sources import each other without extensions (`./config`), as
 * bundlers and tsx take them; Node's ESM loader and TypeScript's `NodeNext` do not, so every
 * relative specifier of the output is written out (`./config.js`, `./store/index.js`). A
 * specifier that matches no output file stops the build.
 */
import { spawnSync } from "node:child_process";
import { cpSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, extname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DIST = join(ROOT, "dist");
/** The compiled folders (tsconfig.build.json's `include`); fixtures/ is data only. */
const SOURCES = ["contract", "server", "conformance"];
/** Written last: `scripts/ensure-built.mjs` compares the sources' times with its own. */
const STAMP = join(DIST, ".built");

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

function compile(): void {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const run = spawnSync(process.execPath, [tsc, "-p", join(ROOT, "tsconfig.build.json")], {
    stdio: "inherit",
  });
  if (run.status !== 0) throw new Error(`tsc exited with ${run.status ?? run.signal}`);
}

const isFile = (path: string) => statSync(path, { throwIfNoEntry: false })?.isFile() === true;

/** `from "./x"`, `import("./x")` (dynamic, or a type in a `.d.ts`: also `import("..")`) and `import "./x"`. */
const RELATIVE = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])(\.\.?(?:\/[^"']*)?)\2/g;

function writeExtensions(file: string): void {
  const text = readFileSync(file, "utf8");
  const out = text.replace(RELATIVE, (whole, lead: string, quote: string, spec: string) => {
    if (extname(spec) === ".js" || extname(spec) === ".json") return whole;
    const base = join(dirname(file), spec);
    const target = isFile(`${base}.js`)
      ? `${spec}.js`
      : isFile(join(base, "index.js"))
        ? `${spec}/index.js`
        : undefined;
    if (target === undefined) throw new Error(`${relative(ROOT, file)}: "${spec}" matches no compiled file`);
    return `${lead}${quote}${target}${quote}`;
  });
  if (out !== text) writeFileSync(file, out);
}

function copyData(): void {
  for (const dir of SOURCES)
    for (const file of files(join(ROOT, dir)))
      if (!file.endsWith(".ts")) cpSync(file, join(DIST, relative(ROOT, file)));
  cpSync(join(ROOT, "fixtures"), join(DIST, "fixtures"), { recursive: true });
}

function build(): void {
  const started = performance.now();
  // From nothing: a deleted source must not leave its old output behind.
  rmSync(DIST, { recursive: true, force: true });
  compile();
  for (const file of files(DIST)) if (file.endsWith(".js") || file.endsWith(".d.ts")) writeExtensions(file);
  copyData();
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
  process.stderr.write(`built dist/ in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

build();
