/**
 * An operation row's parameter parse (server/wire/operation.ts): a parse of flat parameters is
 * kept by the values it read, so each case here checks a kept parse answers exactly what a
 * fresh one would, and that no call can change what another call gets.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { bool, json, text } from "../../server/wire/codecs";
import { BadParameters, type CallContext, op } from "../../server/wire/operation";

/** Runs a row's call with `params` and answers what its handler was given. */
function parsedBy(schema: z.ZodType) {
  const seen: unknown[] = [];
  const row = op({ params: schema, run: (_ctx, p) => seen.push(p) });
  if (row.call === undefined) throw new Error("op() makes a plain call");
  const call = row.call;
  return (params: Record<string, string>) => {
    call({ params } as unknown as CallContext);
    return seen.at(-1) as Record<string, unknown>;
  };
}

describe("an operation's parameter parse", () => {
  const flat = z.object({ guest_name: text(), additional: bool(false) });

  it("answers the same values for the same parameters, and each call gets its own object", () => {
    const parse = parsedBy(flat);
    const first = parse({ guest_name: "vm1", additional: "true" });
    first.guest_name = "changed by a handler";
    const second = parse({ guest_name: "vm1", additional: "true" });
    expect(second).toEqual({ guest_name: "vm1", additional: true });
    expect(second).not.toBe(first);
  });

  it("reads other values afresh, and ignores parameters the schema does not read", () => {
    const parse = parsedBy(flat);
    expect(parse({ guest_name: "vm1" })).toEqual({ guest_name: "vm1", additional: false });
    expect(parse({ guest_name: "vm2", _sid: "a" })).toEqual({ guest_name: "vm2", additional: false });
    expect(parse({ guest_name: "vm2", _sid: "b" })).toEqual({ guest_name: "vm2", additional: false });
    expect(parse({})).toEqual({ additional: false });
  });

  it("does not mistake values that run together the same way for each other", () => {
    const parse = parsedBy(z.object({ a: text(), b: text() }));
    expect(parse({ a: "x", b: "yz" })).toEqual({ a: "x", b: "yz" });
    expect(parse({ a: "xy", b: "z" })).toEqual({ a: "xy", b: "z" });
    expect(parse({ a: "1:x", b: "-" })).toEqual({ a: "1:x", b: "-" });
    expect(parse({ a: "1", b: "x-" })).toEqual({ a: "1", b: "x-" });
  });

  it("refuses bad parameters every time, after good ones were kept", () => {
    const parse = parsedBy(flat);
    parse({ additional: "true" });
    expect(() => parse({ additional: "maybe" })).toThrow(BadParameters);
    expect(() => parse({ additional: "maybe" })).toThrow(BadParameters);
  });

  it("gives each call its own parsed JSON (objects are never shared)", () => {
    const parse = parsedBy(z.object({ vnics: json(z.array(z.object({ mac: z.string() }))) }));
    const first = parse({ vnics: '[{"mac":"00:11"}]' });
    (first.vnics as { mac: string }[]).push({ mac: "added by a handler" });
    expect(parse({ vnics: '[{"mac":"00:11"}]' })).toEqual({ vnics: [{ mac: "00:11" }] });
  });
});
