/**
 * package.json as a registry and a consumer read it: its licence file, the Node
 * versions it claims against what its dependencies require (the lock file's `engines`), the
 * optional peer of the container helper, and none of the dependencies it dropped.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support";

interface Pkg {
  license: string;
  repository?: { type: string; url: string };
  engines: { node: string };
  dependencies: Record<string, string>;
  overrides?: unknown;
  files: string[];
}
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as Pkg;
const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as {
  packages: Record<string, { dev?: boolean; optional?: boolean; engines?: { node?: string } }>;
};

type Version = readonly [number, number, number];
const parse = (v: string): Version => {
  const [a = 0, b = 0, c = 0] = v.split(".").map((n) => (n === "x" ? 0 : Number(n)));
  return [a, b, c];
};
const compare = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** Whether `version` is in `range`, for the forms the lock file holds; any other form fails the test. */
function accepts(range: string, version: Version): boolean {
  return range.split("||").some((alternative) => {
    const part = alternative.trim();
    if (part === "*") return true;
    const atLeast = /^>=\s*(\d+(?:\.\d+){0,2})$/.exec(part);
    if (atLeast?.[1] !== undefined) return compare(version, parse(atLeast[1])) >= 0;
    const major = /^(\d+)\.x$/.exec(part);
    if (major?.[1] !== undefined) return version[0] === Number(major[1]);
    throw new Error(`a range this test does not read: ${range}`);
  });
}

describe("package.json", () => {
  it("has a LICENSE file with the licence it names (MIT), and no made-up repository", () => {
    expect(pkg.license).toBe("MIT");
    const license = readFileSync(join(ROOT, "LICENSE"), "utf8");
    expect(license).toMatch(/^MIT License\n/);
    expect(license).toContain("Permission is hereby granted, free of charge");
    // The project has no public address yet: `repository` is added with it, when it is
    // published (docs/packaging.md), never a guessed one that npm would link to.
    if (pkg.repository !== undefined) expect(pkg.repository.url).toMatch(/^git\+https:\/\/.+\.git$/);
  });

  it("claims the Node versions every production dependency takes: its floor is the highest of theirs", () => {
    const floor = /^>=(\d+\.\d+\.\d+)$/.exec(pkg.engines.node)?.[1];
    expect(floor, pkg.engines.node).toBeDefined();
    const ours = parse(floor ?? "");
    const refusing: string[] = [];
    let highest: Version = [0, 0, 0];
    for (const [path, entry] of Object.entries(lock.packages)) {
      const range = entry.engines?.node;
      if (path === "" || entry.dev === true || range === undefined) continue;
      if (!accepts(range, ours)) refusing.push(`${path}: ${range}`);
      const lower = /^>=\s*(\d+(?:\.\d+){0,2})$/.exec(range.trim())?.[1];
      if (lower !== undefined && compare(parse(lower), highest) > 0) highest = parse(lower);
    }
    expect(refusing).toEqual([]);
    // Not lower than needed (undici 7: 20.18.1), and not higher than any dependency asks.
    expect(highest).toEqual(ours);
  });

  it("shows better-sqlite3's compile as it runs (.npmrc), and the README says where a newcomer waits", () => {
    expect(readFileSync(join(ROOT, ".npmrc"), "utf8")).toMatch(/^foreground-scripts=true$/m);
    expect(readFileSync(join(ROOT, "README.md"), "utf8")).toContain("`npm install` takes a minute or two");
  });

  it("has no overrides, and none of the dependencies it dropped (busboy for @fastify/busboy; reflect-metadata)", () => {
    expect(pkg.overrides).toBeUndefined();
    for (const gone of ["busboy", "reflect-metadata", "@peculiar/x509"])
      expect(pkg.dependencies[gone]).toBeUndefined();
    expect(pkg.dependencies["@fastify/busboy"]).toBeDefined();
  });
});
