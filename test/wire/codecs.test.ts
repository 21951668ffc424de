import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  bool,
  int,
  json,
  jsonInt,
  list,
  password,
  ref,
  requiredText,
  splitEscapedList,
  taskIdOf,
  text,
  unescapeValue,
  yesNo,
} from "../../server/wire/codecs";

/** Parses one parameter the way an operation does: the raw string (or absence) under `v`. */
function read<T extends z.ZodType>(codec: T, value: string | undefined) {
  const result = z.object({ v: codec }).safeParse(value === undefined ? {} : { v: value });
  return result.success
    ? { ok: true as const, value: (result.data as { v: unknown }).v }
    : { ok: false as const };
}

describe("parameter codecs: how DSM reads WebAPI strings", () => {
  describe("DSM booleans", () => {
    it.each([
      ["true", true],
      ["false", false],
      ['"true"', true],
      ['"false"', false],
    ])("%j reads as %s", (raw, expected) => {
      expect(read(bool(true), raw)).toEqual({ ok: true, value: expected });
      expect(read(bool(false), raw)).toEqual({ ok: true, value: expected });
    });

    it('"false" is false (never "any non-empty string is true", as z.coerce.boolean would read it)', () => {
      expect(read(bool(true), "false")).toEqual({ ok: true, value: false });
    });

    it("absent or empty gives the documented default", () => {
      expect(read(bool(true), undefined)).toEqual({ ok: true, value: true });
      expect(read(bool(false), undefined)).toEqual({ ok: true, value: false });
      expect(read(bool(true), "")).toEqual({ ok: true, value: true });
    });

    it.each([
      ["True", true],
      ["False", false],
    ])("Python's %j (requests' spelling of a bool) reads as %j", (raw, expected) => {
      expect(read(bool(!expected), raw)).toEqual({ ok: true, value: expected });
    });

    it.each(["yes", "no", "1", "0", "TRUE", "FALSE", "on", "[true]"])(
      "%j is refused (401 over HTTP)",
      (raw) => {
        expect(read(bool(false), raw)).toEqual({ ok: false });
      },
    );
  });

  describe("the auth API's yes/no switches", () => {
    it.each([
      ["yes", true],
      ["true", true],
      ["no", false],
      ["false", false],
      ["", false],
      [undefined, false],
    ])("%j reads as %s", (raw, expected) => {
      expect(read(yesNo(), raw)).toEqual({ ok: true, value: expected });
    });
  });

  describe("JSON-quoted strings and numbers", () => {
    it("a JSON-quoted string reads as its content (Python clients quote guest_name)", () => {
      expect(read(text(), '"win10"')).toEqual({ ok: true, value: "win10" });
      expect(read(ref(), '"win10"')).toEqual({ ok: true, value: "win10" });
    });

    it("a lone quote or unbalanced quotes are kept as sent", () => {
      expect(read(text(), '"')).toEqual({ ok: true, value: '"' });
      expect(read(text(), '"win10')).toEqual({ ok: true, value: '"win10' });
      expect(read(text(), 'a"b"')).toEqual({ ok: true, value: 'a"b"' });
    });

    it.each([
      ["2", 2],
      ['"2"', 2],
      ["0", 0],
      ["-1", -1],
      [" 3 ", 3],
    ])("integer %j reads as %d", (raw, expected) => {
      expect(read(int(-5, 10), raw)).toEqual({ ok: true, value: expected });
    });

    it.each(["2.5", "1e3", "abc", "0x10", '"2', "11", "-6", "9999999999999999"])(
      "integer %j is refused (not an integer, or out of range)",
      (raw) => {
        expect(read(int(-5, 10), raw)).toEqual({ ok: false });
      },
    );

    it("an absent or empty integer is absent", () => {
      expect(read(int(0, 10), undefined)).toEqual({ ok: true, value: undefined });
      expect(read(int(0, 10), "")).toEqual({ ok: true, value: undefined });
    });

    it('numbers inside JSON text may be strings (`"vdisk_size":"10240"`)', () => {
      const vdisks = json(z.array(z.object({ create_type: jsonInt(0, 1), vdisk_size: jsonInt(1, 1e6) })));
      expect(read(vdisks, '[{"create_type":"0","vdisk_size":"10240"}]')).toEqual({
        ok: true,
        value: [{ create_type: 0, vdisk_size: 10240 }],
      });
      expect(read(vdisks, '[{"create_type":0,"vdisk_size":10240}]')).toEqual({
        ok: true,
        value: [{ create_type: 0, vdisk_size: 10240 }],
      });
    });

    it("JSON text that does not parse or does not fit is refused; absent or empty is absent", () => {
      const ids = json(z.array(z.string()));
      expect(read(ids, "[1,")).toEqual({ ok: false });
      expect(read(ids, "[1]")).toEqual({ ok: false });
      expect(read(ids, '["a"]')).toEqual({ ok: true, value: ["a"] });
      expect(read(ids, "")).toEqual({ ok: true, value: undefined });
      expect(read(ids, undefined)).toEqual({ ok: true, value: undefined });
      expect(read(json(z.object({ n: jsonInt(0, 9) })), '{"n":2.5}')).toEqual({ ok: false });
      expect(read(json(z.object({ n: jsonInt(0, 9) })), '{"n":"x"}')).toEqual({ ok: false });
    });
  });

  describe("the guide's comma/backslash escaping", () => {
    it("splits `a\\,b,c\\\\d` into `a,b` and `c\\d`", () => {
      expect(splitEscapedList("a\\,b,c\\\\d")).toEqual(["a,b", "c\\d"]);
      expect(read(list(), "a\\,b,c\\\\d")).toEqual({ ok: true, value: ["a,b", "c\\d"] });
    });

    it("keeps empty elements between commas and reads one element without a comma", () => {
      expect(splitEscapedList("a,,b,")).toEqual(["a", "", "b", ""]);
      expect(splitEscapedList("solo")).toEqual(["solo"]);
    });

    it("a backslash that escapes nothing is kept, as in a single value", () => {
      expect(splitEscapedList("C:\\temp,x")).toEqual(["C:\\temp", "x"]);
      expect(splitEscapedList("end\\")).toEqual(["end\\"]);
      expect(unescapeValue("C:\\temp")).toBe("C:\\temp");
    });

    it("an escaped backslash before a comma still splits: `a\\\\,b` is `a\\` and `b`", () => {
      expect(splitEscapedList("a\\\\,b")).toEqual(["a\\", "b"]);
    });

    it("a single value is unescaped the same way (`my\\,vm` names `my,vm`)", () => {
      expect(unescapeValue("my\\,vm")).toBe("my,vm");
      expect(unescapeValue("c\\\\d")).toBe("c\\d");
      expect(read(text(), "my\\,vm")).toEqual({ ok: true, value: "my,vm" });
      expect(read(ref(), "c\\\\d")).toEqual({ ok: true, value: "c\\d" });
    });

    it("an absent or empty list is absent", () => {
      expect(read(list(), undefined)).toEqual({ ok: true, value: undefined });
      expect(read(list(), "")).toEqual({ ok: true, value: undefined });
    });

    it("passwords are never unescaped nor unquoted", () => {
      expect(read(password(), 'p\\,a"ss"')).toEqual({ ok: true, value: 'p\\,a"ss"' });
      expect(read(password(), '"secret"')).toEqual({ ok: true, value: '"secret"' });
    });
  });

  describe("ids: empty means absent", () => {
    it("`guest_id=` (empty) is absent, so `guest_id=&guest_name=win10` means by name", () => {
      const params = z.object({ guest_id: ref(), guest_name: ref() });
      expect(params.parse({ guest_id: "", guest_name: "win10" })).toEqual({
        guest_id: undefined,
        guest_name: "win10",
      });
    });

    it('a JSON-quoted empty id (`""`) is absent too', () => {
      expect(read(ref(), '""')).toEqual({ ok: true, value: undefined });
    });

    it("an empty text is a value, but not for a required text", () => {
      expect(read(text(), "")).toEqual({ ok: true, value: "" });
      expect(read(requiredText(), "")).toEqual({ ok: false });
      expect(read(requiredText(), undefined)).toEqual({ ok: false });
      expect(read(requiredText(), '""')).toEqual({ ok: false });
      expect(read(requiredText(), "vm")).toEqual({ ok: true, value: "vm" });
    });
  });

  describe("the task id under both names", () => {
    it("reads `task_id` (guide, Go) and `taskid` (Python)", () => {
      expect(taskIdOf({ task_id: "@users/t1" })).toBe("@users/t1");
      expect(taskIdOf({ taskid: "@users/t2" })).toBe("@users/t2");
      expect(taskIdOf({ taskid: '"@users/t3"' })).toBe("@users/t3");
    });

    it("an empty value is absent; task_id wins when both are given", () => {
      expect(taskIdOf({})).toBeUndefined();
      expect(taskIdOf({ task_id: "" })).toBeUndefined();
      expect(taskIdOf({ task_id: "a", taskid: "b" })).toBe("a");
    });

    it("an empty `task_id=` beside `taskid` reads `taskid` (a client sending both names)", () => {
      expect(taskIdOf({ task_id: "", taskid: "b" })).toBe("b");
      expect(taskIdOf({ task_id: '""', taskid: "b" })).toBe("b");
    });
  });
});
