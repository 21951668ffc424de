/**
 * The query's parameters (server/wire/http.ts): the direct split of a plain query must read
 * every query exactly as URLSearchParams does, the WHATWG rules DSM clients' URLs are built by.
 */
import { describe, expect, it } from "vitest";
import { queryPairs } from "../../server/wire/http";

const ALPHABET = [
  "a",
  "b",
  "_",
  ".",
  "-",
  "&",
  "=",
  "?",
  "%",
  "%2",
  "%41",
  "+",
  "#",
  " ",
  "é",
  "\ud800",
  "1",
];

/** A small seeded generator (mulberry32), so a failure can be replayed from the printed seed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("query parameters", () => {
  it.each([
    "api=SYNO.Virtualization.API.Guest&version=1&method=get&_sid=abc-DEF_1.2~x",
    "",
    "a",
    "a=",
    "=b",
    "a==b",
    "&&a=1&&",
    "a=1&a=2",
    "?a=1",
    "a=%41&b=c+d",
    "a=%zz",
    "a=é",
    "a=1#frag&b=2",
  ])("reads %j as URLSearchParams does", (query) => {
    expect([...queryPairs(query)]).toEqual([...new URLSearchParams(query)]);
  });

  it("reads random queries as URLSearchParams does", () => {
    const seed = Date.now() % 1_000_000;
    console.log(`query test seed ${seed}`);
    const next = random(seed);
    for (let i = 0; i < 2000; i++) {
      const length = Math.floor(next() * 12);
      let query = "";
      for (let j = 0; j < length; j++) query += ALPHABET[Math.floor(next() * ALPHABET.length)];
      expect([...queryPairs(query)], `seed ${seed}, query ${JSON.stringify(query)}`).toEqual([
        ...new URLSearchParams(query),
      ]);
    }
  });
});
