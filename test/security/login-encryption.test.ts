/**
 * DSM's encrypted login, driven by a client written here independently of the module, the way
 * N4S4's `synology-api` builds it: RSA PKCS#1 v1.5 (Node's publicEncrypt) over a 501-character
 * passphrase, and OpenSSL's `Salted__` AES-256-CBC format made by the `openssl enc` binary when
 * it is installed, and by a test-local EVP_BytesToKey otherwise (both are checked to agree).
 */
import { constants, createPublicKey, type KeyObject, publicEncrypt } from "node:crypto";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  CIPHER_KEY,
  CIPHER_TOKEN,
  decryptLoginParams,
  encryptionInfo,
  generateLoginKey,
  isCipherTokenFresh,
  type LoginKey,
  LoginKeyHolder,
  processLoginKey,
} from "../../server/security/login-encryption";
import {
  clientKeyFromHex,
  envelope,
  HAS_OPENSSL,
  pythonUrlencode,
  randomPassphrase,
  rawBlock,
  saltedWithNode,
  saltedWithOpenssl,
} from "../clients/n4s4";

let key: LoginKey;
let clientKey: KeyObject;
beforeAll(async () => {
  const started = performance.now();
  key = await processLoginKey().ready;
  console.info(
    `RSA ${key.modulusBytes * 8}-bit login key ready after ${Math.round(performance.now() - started)} ms`,
  );
  clientKey = clientKeyFromHex(encryptionInfo(key, 0, "module").public_key);
}, 60_000);

describe("SYNO.API.Encryption getinfo", () => {
  it("answers a 4096-bit modulus in hex with format=module, and DSM's parameter names", () => {
    const info = encryptionInfo(key, 1_793_000_000, "module");
    expect(info).toEqual({
      public_key: expect.stringMatching(/^[0-9A-F]{1024}$/),
      cipherkey: "__cIpHeRtExT",
      ciphertoken: "__cIpHeRtOkEn",
      server_time: 1_793_000_000,
    });
    expect(BigInt(`0x${info.public_key}`) >> 4095n).toBe(1n);
    expect(clientKey.asymmetricKeyDetails).toMatchObject({ modulusLength: 4096, publicExponent: 65537n });
  });

  it("answers the base64 DER public key without format, the same key", () => {
    const info = encryptionInfo(key, 0, undefined);
    const spki = createPublicKey({
      key: Buffer.from(info.public_key, "base64"),
      format: "der",
      type: "spki",
    });
    expect(spki.export({ format: "jwk" })).toEqual(clientKey.export({ format: "jwk" }));
  });

  it("makes the process key once and reports its state", async () => {
    expect(processLoginKey()).toBe(processLoginKey());
    expect(processLoginKey().state).toBe("ready");
    let release: (k: LoginKey) => void = () => {};
    const holder = new LoginKeyHolder(() => new Promise((resolve) => (release = resolve)));
    expect(holder.state).toBe("pending");
    expect(holder.current()).toBeUndefined();
    release(key);
    await holder.ready;
    expect(holder.state).toBe("ready");
    expect(holder.current()).toBe(key);
    const failing = new LoginKeyHolder(() => Promise.reject(new Error("no entropy")));
    await expect(failing.ready).rejects.toThrow("no entropy");
    expect(failing.state).toBe("failed");
  });

  it("makes a key off the event loop: timers still fire while it is being made", async () => {
    let fired = false;
    setTimeout(() => {
      fired = true;
    }, 0);
    const made = await generateLoginKey(2048);
    expect(fired).toBe(true);
    expect(made.modulusBytes).toBe(256);
  });
});

describe("decrypting a login the way N4S4 encrypts it", () => {
  const serverTime = 1_793_000_000;
  const plainParams = (passwd: string): Array<[string, string]> => [
    ["account", "admin"],
    ["enable_device_token", "no"],
    ["logintype", "local"],
    ["otp_code", ""],
    ["rememberme", "0"],
    ["passwd", passwd],
    ["session", "webui"],
    ["format", "cookie"],
    [CIPHER_TOKEN, String(serverTime)],
  ];

  it("recovers every inner parameter, the password with spaces and symbols intact", () => {
    const passwd = "p@ss wörd&=+%~!*'()";
    const value = envelope(clientKey, randomPassphrase(), pythonUrlencode(plainParams(passwd)));
    const result = decryptLoginParams(key, value);
    expect(result).toEqual({ ok: true, params: Object.fromEntries(plainParams(passwd)) });
  });

  it("works for passphrases of any length an RSA block holds, not only 501", () => {
    for (const length of [1, 32, 501, key.modulusBytes - 11]) {
      const value = envelope(clientKey, randomPassphrase(length), "account=admin&passwd=x");
      expect(decryptLoginParams(key, value)).toMatchObject({
        ok: true,
        params: { account: "admin", passwd: "x" },
      });
    }
  });

  it("keeps the last value of a repeated name (URLSearchParams semantics)", () => {
    const value = envelope(clientKey, randomPassphrase(), "passwd=first&passwd=last&a+b=c%20d");
    expect(decryptLoginParams(key, value)).toEqual({ ok: true, params: { passwd: "last", "a b": "c d" } });
  });

  it.skipIf(!HAS_OPENSSL)(
    "builds the same Salted__ blob with the openssl binary and the test's EVP_BytesToKey",
    () => {
      const salt = Buffer.from("a1b2c3d4e5f60718", "hex");
      const passphrase = randomPassphrase();
      const text = pythonUrlencode(plainParams("secret"));
      expect(saltedWithOpenssl(passphrase, text, salt).equals(saltedWithNode(passphrase, text, salt))).toBe(
        true,
      );
    },
  );

  it("accepts a server_time echo within DSM's 360 s only", () => {
    const params = { [CIPHER_TOKEN]: String(serverTime) };
    expect(isCipherTokenFresh(params, serverTime + 360)).toBe(true);
    expect(isCipherTokenFresh(params, serverTime - 360)).toBe(true);
    expect(isCipherTokenFresh(params, serverTime + 361)).toBe(false);
    expect(isCipherTokenFresh({}, serverTime)).toBe(false);
    expect(isCipherTokenFresh({ [CIPHER_TOKEN]: "17e8" }, serverTime)).toBe(false);
    expect(CIPHER_KEY).toBe("__cIpHeRtExT");
  });
});

describe("a tampered, truncated or garbage blob gives a typed failure, never a throw", () => {
  // A fixed passphrase and salt make the AES part deterministic, so each tampering fails the
  // same way on every run.
  const passphrase = "x".repeat(501);
  const salt = Buffer.from("0011223344556677", "hex");
  const text = "account=admin&passwd=synology&__cIpHeRtOkEn=1793000000";
  const goodAes = () => saltedWithNode(passphrase, text, salt);
  const goodRsa = () =>
    publicEncrypt({ key: clientKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(passphrase)).toString(
      "base64",
    );
  const value = (rsa: string, aes: Buffer | string) =>
    JSON.stringify({ rsa, aes: typeof aes === "string" ? aes : aes.toString("base64") });
  const reason = (cipherValue: string) => {
    const result = decryptLoginParams(key, cipherValue);
    return result.ok ? "ok" : result.reason;
  };

  it("the untampered blob decrypts (the baseline of the cases below)", () => {
    expect(reason(value(goodRsa(), goodAes()))).toBe("ok");
  });

  it.each([
    ["not JSON", "account=admin&passwd=synology"],
    ["a JSON array", "[]"],
    ["JSON null", "null"],
    ["a missing aes", '{"rsa":"AAAA"}'],
    ["a number for rsa", '{"rsa":1,"aes":"AAAA"}'],
    ["an oversized value", `{"rsa":"${"A".repeat(300_000)}","aes":""}`],
  ])("%s is a malformed envelope", (_name, cipherValue) => {
    expect(reason(cipherValue)).toBe("malformed-envelope");
  });

  it("an rsa part that is not base64, not canonical, or not one block is malformed", () => {
    const rsa = goodRsa();
    expect(reason(value(`${rsa.slice(0, -4)}!!!!`, goodAes()))).toBe("malformed-rsa");
    expect(rsa.endsWith("=")).toBe(true); // 512 bytes end in one padding character
    expect(reason(value(rsa.slice(0, -1), goodAes()))).toBe("malformed-rsa");
    expect(reason(value(rsa.slice(4), goodAes()))).toBe("malformed-rsa");
    expect(reason(value(`${rsa}AAAA`, goodAes()))).toBe("malformed-rsa");
    expect(reason(value(Buffer.alloc(512, 0xff).toString("base64"), goodAes()))).toBe("undecryptable");
  });

  it("an aes part without the Salted__ header, truncated, or not whole blocks is malformed", () => {
    const aes = goodAes();
    expect(reason(value(goodRsa(), aes.subarray(8)))).toBe("malformed-aes");
    expect(reason(value(goodRsa(), Buffer.concat([Buffer.from("Unsalted"), aes.subarray(8)])))).toBe(
      "malformed-aes",
    );
    expect(reason(value(goodRsa(), aes.subarray(0, 16)))).toBe("malformed-aes");
    expect(reason(value(goodRsa(), aes.subarray(0, aes.length - 1)))).toBe("malformed-aes");
    expect(reason(value(goodRsa(), "not base64!"))).toBe("malformed-aes");
  });

  it("a flipped AES byte or a dropped last block is undecryptable", () => {
    const flipped = goodAes();
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] ?? 0) ^ 0x01;
    expect(reason(value(goodRsa(), flipped))).toBe("undecryptable");
    const aes = goodAes();
    expect(reason(value(goodRsa(), aes.subarray(0, aes.length - 16)))).toBe("undecryptable");
  });

  it("an RSA block that is not PKCS#1 v1.5 type 2 is undecryptable, like a wrong AES part", () => {
    const k = key.modulusBytes;
    const message = Buffer.from(passphrase);
    const block = (first: number, type: number, padding: Buffer) =>
      Buffer.concat([Buffer.from([first, type]), padding, Buffer.from([0]), message]).subarray(0, k);
    const padLength = k - 3 - message.length;
    const nonZero = Buffer.alloc(padLength, 0x5a);
    expect(reason(value(rawBlock(clientKey, block(0, 2, nonZero)), goodAes()))).toBe("ok");
    expect(reason(value(rawBlock(clientKey, block(0, 1, nonZero)), goodAes()))).toBe("undecryptable");
    expect(reason(value(rawBlock(clientKey, block(1, 2, nonZero)), goodAes()))).toBe("undecryptable");
    const shortPadding = Buffer.from(nonZero);
    shortPadding[5] = 0; // a separator after 5 padding bytes, fewer than the 8 required
    expect(reason(value(rawBlock(clientKey, block(0, 2, shortPadding)), goodAes()))).toBe("undecryptable");
    const noSeparator = Buffer.concat([Buffer.from([0, 2]), Buffer.alloc(k - 2, 0x5a)]);
    expect(reason(value(rawBlock(clientKey, noSeparator), goodAes()))).toBe("undecryptable");
    const otherPassphrase = publicEncrypt(
      { key: clientKey, padding: constants.RSA_PKCS1_PADDING },
      Buffer.from("y".repeat(501)),
    ).toString("base64");
    expect(reason(value(otherPassphrase, goodAes()))).toBe("undecryptable");
  });

  it("random strings and random envelopes never throw and never decrypt", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), (text) => {
        expect(decryptLoginParams(key, text).ok).toBe(false);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 600 }),
        fc.uint8Array({ minLength: 0, maxLength: 200 }),
        (rsa, aes) => {
          const result = decryptLoginParams(
            key,
            value(Buffer.from(rsa).toString("base64"), Buffer.from(aes)),
          );
          expect(result.ok).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});
