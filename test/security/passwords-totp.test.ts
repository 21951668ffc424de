import { describe, expect, it } from "vitest";
import {
  checkPassword,
  hashPassword,
  hashPasswordOffThread,
  verifyPassword,
  verifyPasswordOffThread,
} from "../../server/security/password";
import { base32Decode, totp, verifyTotp } from "../../server/security/totp";

// RFC 6238 appendix B, SHA-1 rows: the secret is ASCII "12345678901234567890"; DSM shows the
// last 6 of the 8 digits.
const RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

describe("2-step verification codes (RFC 6238 TOTP, SHA-1, 6 digits, 30 s)", () => {
  it.each([
    [59, "287082"],
    [1111111109, "081804"],
    [1111111111, "050471"],
    [1234567890, "005924"],
    [2000000000, "279037"],
    [20000000000, "353130"],
  ])("at %d s the code is %s (RFC 6238 test vector)", (seconds, code) => {
    expect(totp(RFC_SECRET, seconds * 1000)).toBe(code);
  });

  it("decodes base32 with or without padding and in lower case", () => {
    expect(base32Decode(RFC_SECRET).toString("ascii")).toBe("12345678901234567890");
    expect(base32Decode("JBSWY3DPEHPK3PXP").toString("hex")).toBe("48656c6c6f21deadbeef");
    expect(base32Decode("mzxw6===").toString("ascii")).toBe("foo");
    expect(() => base32Decode("not base32!")).toThrow();
  });

  it("accepts the current step and one step either side, not two", () => {
    const at = 1_800_000_000_000;
    expect(verifyTotp(RFC_SECRET, totp(RFC_SECRET, at), at)).toBe(true);
    expect(verifyTotp(RFC_SECRET, totp(RFC_SECRET, at - 30_000), at)).toBe(true);
    expect(verifyTotp(RFC_SECRET, totp(RFC_SECRET, at + 30_000), at)).toBe(true);
    const twoBefore = totp(RFC_SECRET, at - 60_000);
    const window = [-1, 0, 1].map((d) => totp(RFC_SECRET, at + d * 30_000));
    if (!window.includes(twoBefore)) expect(verifyTotp(RFC_SECRET, twoBefore, at)).toBe(false);
  });

  it.each(["", "12345", "1234567", "abcdef", " 287082", "287082 "])(
    "refuses the malformed code %j",
    (code) => {
      expect(verifyTotp(RFC_SECRET, code, 59_000)).toBe(false);
    },
  );
});

describe("password hashes", () => {
  it("are salted scrypt, never the password, and differ for the same password", () => {
    const a = hashPassword("synology");
    const b = hashPassword("synology");
    expect(a).toMatch(/^scrypt\$2048\$/);
    expect(a).not.toContain("synology");
    expect(a).not.toBe(b);
  });

  it("verify the right password only", () => {
    const stored = hashPassword("synology");
    expect(verifyPassword("synology", stored)).toBe(true);
    expect(verifyPassword("Synology", stored)).toBe(false);
    expect(verifyPassword("", stored)).toBe(false);
    expect(verifyPassword("synology ", stored)).toBe(false);
  });

  it("an empty password can be stored and verified (a fixture may have one)", () => {
    const stored = hashPassword("");
    expect(verifyPassword("", stored)).toBe(true);
    expect(verifyPassword("x", stored)).toBe(false);
  });

  it("a stored value that is not one of ours never verifies", () => {
    expect(verifyPassword("synology", "synology")).toBe(false);
    expect(verifyPassword("synology", "bcrypt$10$abc$def")).toBe(false);
    expect(verifyPassword("synology", "")).toBe(false);
    expect(verifyPassword("synology", "scrypt$many$c2FsdA==$a2V5")).toBe(false);
    expect(verifyPassword("synology", "scrypt$3$c2FsdA==$a2V5")).toBe(false);
    // An empty key once compared equal to an empty derivation: any password matched.
    expect(verifyPassword("synology", "scrypt$2048$c2FsdA==$")).toBe(false);
    expect(verifyPassword("anything", "scrypt$2048$c2FsdA==$")).toBe(false);
    const good = hashPassword("synology");
    expect(verifyPassword("synology", `${good}$extra`)).toBe(false);
    expect(verifyPassword("synology", good.replace("$2048$", "$2047$"))).toBe(false);
    expect(verifyPassword("synology", good.replace("$2048$", "$1048576$"))).toBe(false);
  });

  it("off the event loop, hash and verify the same way as on it", async () => {
    const stored = await hashPasswordOffThread("synology");
    expect(stored).toMatch(/^scrypt\$2048\$/);
    expect(verifyPassword("synology", stored)).toBe(true);
    expect(await verifyPasswordOffThread("synology", hashPassword("synology"))).toBe(true);
    expect(await verifyPasswordOffThread("Synology", stored)).toBe(false);
    expect(await verifyPasswordOffThread("synology", "scrypt$2048$c2FsdA==$")).toBe(false);
  });

  it("a check remembered right answers for that stored hash only; a wrong password is never taken", async () => {
    const stored = hashPassword("synology");
    expect(await checkPassword("synology", stored)).toBe(true);
    expect(await checkPassword("synology", stored)).toBe(true);
    expect(await checkPassword("not it", stored)).toBe(false);
    expect(await checkPassword("not it", stored)).toBe(false);
    // The same password hashed again (a fixture loaded again, a password set back): a new salt.
    expect(await checkPassword("synology", hashPassword("other"))).toBe(false);
    expect(await checkPassword("synology", "synology")).toBe(false);
  });
});
