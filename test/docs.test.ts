/**
 * docs/api-reference.md says what the emulator serves and how to provoke every code; these tests hold it
 * to the spec (contract/apis.ts, contract/errors.ts), so a row cannot go stale when an API, a method, a
 * version or a code changes. They also check every relative link of README.md and docs/, every
 * anchor such a link names, and that docs/architecture.md's layering table is linted (biome.json).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { APIS, type ApiSpec } from "../contract/apis";
import { AUTH_ERRORS, COMMON_ERRORS, VMM_ERRORS, VMM_INTERNAL_ERRORS } from "../contract/errors";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** The API and error reference (the README's front page links to it). */
const REFERENCE = readFileSync(join(ROOT, "docs/api-reference.md"), "utf8");

/** The rows of the first Markdown table after `heading`, as arrays of trimmed cells. */
function tableAfter(text: string, heading: string): string[][] {
  const start = text.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`no heading ${heading}`);
  const lines = text.slice(start + heading.length + 2).split("\n");
  const first = lines.findIndex((l) => l.startsWith("|"));
  const rows: string[][] = [];
  for (const line of lines.slice(first)) {
    if (!line.startsWith("|")) break;
    rows.push(
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    );
  }
  // Header and separator rows.
  return rows.slice(2);
}

const ticked = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? "");

describe("the reference's API coverage table", () => {
  const rows = tableAfter(REFERENCE, "## API coverage").filter((r) => r[0]?.startsWith("`SYNO."));
  const byApi = new Map<string, string[][]>();
  for (const row of rows) {
    const api = ticked(row[0] ?? "")[0] ?? "";
    byApi.set(api, [...(byApi.get(api) ?? []), row]);
  }

  it("lists exactly the APIs of the spec", () => {
    expect([...byApi.keys()].sort()).toEqual(Object.keys(APIS).sort());
  });

  it.each(Object.entries(APIS) as [string, ApiSpec][])("%s: its methods, versions and paths", (api, spec) => {
    const own = byApi.get(api) ?? [];
    expect(own.flatMap((r) => ticked(r[1] ?? "")).sort()).toEqual(Object.keys(spec.methods).sort());
    const range = ([min, max]: readonly [number, number]) => (min === max ? `${min}` : `${min}–${max}`);
    for (const row of own) {
      // A row's versions are its methods' own range when they all narrow it alike, else the API's.
      const narrowed = new Set(ticked(row[1] ?? "").map((m) => spec.methods[m]?.versions?.join("–")));
      const only =
        narrowed.size === 1 ? ticked(row[1] ?? "").map((m) => spec.methods[m]?.versions)[0] : undefined;
      expect(row[2]).toBe(range(only ?? [spec.minVersion, spec.maxVersion]));
      const [path, ...also] = ticked(row[3] ?? "");
      expect(path).toBe(spec.path);
      expect(also.sort()).toEqual(spec.servedOn.filter((c) => c !== spec.path).sort());
    }
  });
});

describe("the reference's error-code tables", () => {
  const codes = (heading: string) =>
    tableAfter(REFERENCE, heading)
      .map((r) => Number(r[0]))
      .filter((n) => Number.isInteger(n));

  /** Codes every DSM knows that no scenario makes the emulator answer (the reference says why). */
  const NEVER_ANSWERED = [100, 107, 114, 120, 150, 160];

  it("has a recipe for every common and Virtualization code the emulator answers, and no other", () => {
    const answered = [...Object.keys(COMMON_ERRORS), ...Object.keys(VMM_ERRORS)]
      .map(Number)
      .filter((c) => !NEVER_ANSWERED.includes(c));
    expect(codes("### Common and Virtualization codes (entry.cgi)").sort((a, b) => a - b)).toEqual(
      answered.sort((a, b) => a - b),
    );
  });

  it("has a recipe for every SYNO.API.Auth code but 405, which it says it never answers", () => {
    expect(codes("### SYNO.API.Auth codes (auth.cgi or entry.cgi)")).toEqual(
      Object.keys(AUTH_ERRORS)
        .map(Number)
        .filter((c) => c !== 405),
    );
    expect(REFERENCE).toMatch(/405 \(app portal incorrect\) is never answered/);
  });

  it("has a recipe for every internal code whose meaning differs from the public table", () => {
    expect(codes("### Internal VMM codes (SYNO.Virtualization.*)")).toEqual(
      Object.entries(VMM_INTERNAL_ERRORS)
        .filter(([code, text]) => (VMM_ERRORS as Record<string, string>)[code] !== text)
        .map(([code]) => Number(code)),
    );
  });

  it("names the codes it never answers in the differences", () => {
    const differences = readFileSync(join(ROOT, "docs/differences.md"), "utf8");
    const item = differences.slice(differences.indexOf("**Codes never answered.**")).split("\n- ")[0] ?? "";
    const line = item.replace(/\s+/g, " ");
    for (const code of NEVER_ANSWERED.filter((c) => c !== 100)) expect(line).toContain(`${code} (`);
  });
});

describe("links in README.md and docs/", () => {
  const files = [
    "README.md",
    ...readdirSync(join(ROOT, "docs"))
      .filter((f) => f.endsWith(".md"))
      .map((f) => `docs/${f}`),
  ];

  it.each(files)("every relative link of %s points at a file", (file) => {
    const text = readFileSync(join(ROOT, file), "utf8");
    const broken = [...text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)]
      .map((m) => m[1] ?? "")
      .filter((target) => !/^[a-z]+:/i.test(target))
      .filter((target) => !existsSync(join(ROOT, dirname(file), target)));
    expect(broken).toEqual([]);
  });

  /** GitHub's anchors of a Markdown file's headings. */
  const slugs = (file: string) =>
    new Set(
      [...readFileSync(join(ROOT, file), "utf8").matchAll(/^#+ (.+)$/gm)].map((m) =>
        (m[1] ?? "")
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, "")
          .replace(/ /g, "-"),
      ),
    );

  it.each(files)("every anchor %s links to exists, in it or in the Markdown file it names", (file) => {
    const text = readFileSync(join(ROOT, file), "utf8");
    const missing = [...text.matchAll(/\]\(([^)\s#]*)#([^)\s]+)\)/g)]
      .filter((m) => (m[1] ?? "") === "" || (m[1] ?? "").endsWith(".md"))
      .map((m) => ({ target: m[1] ? join(dirname(file), m[1] ?? "") : file, anchor: m[2] ?? "" }))
      .filter(({ target, anchor }) => !slugs(target).has(anchor))
      .map(({ target, anchor }) => `${target}#${anchor}`);
    expect(missing).toEqual([]);
  });
});

describe("docs/architecture.md's layering table and biome.json", () => {
  const table = tableAfter(
    readFileSync(join(ROOT, "docs/architecture.md"), "utf8"),
    "## How the code is laid out",
  );
  const config = JSON.parse(readFileSync(join(ROOT, "biome.json"), "utf8")) as {
    overrides?: { includes: string[] }[];
  };
  const linted = new Set((config.overrides ?? []).flatMap((o) => o.includes));

  it("gives every folder the table restricts a lint override of its own", () => {
    const restricted = table
      .filter(([, , may]) => may !== "everything")
      .flatMap(([folders]) => ticked(folders ?? ""))
      .filter((f) => f.endsWith("/") && f !== "dist/");
    expect(restricted.length).toBeGreaterThan(8);
    // A folder is linted whole (`folder/**`) or by its own files (`folder/*.ts`) beside its subfolders'.
    const covered = (folder: string) => linted.has(`${folder}**`) || linted.has(`${folder}*.ts`);
    expect(restricted.filter((folder) => !covered(folder))).toEqual([]);
  });
});
