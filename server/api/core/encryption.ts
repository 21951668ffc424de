/**
 * SYNO.API.Encryption `getinfo` (on entry.cgi and encryption.cgi): the RSA key a client encrypts
 * its login with over plain HTTP (see auth.ts), the names of the parameters that carry it
 * (`cipherkey`, `ciphertoken`) and the server's time, which the client sends back inside the
 * blob. With `format=module` the key is its hexadecimal modulus (exponent 0x10001), as N4S4 and
 * DSM's web UI read it; otherwise its base64 DER public key, as other clients' fixtures show.
 *
 * The 4096-bit key is made once per process, off the request path (it takes about a second):
 * a call that comes before it is ready waits for it, outside any transaction.
 */
import { z } from "zod";
import { encryptionInfo } from "../../security/login-encryption";
import { text } from "../../wire/codecs";
import { DsmError } from "../../wire/errors";
import { type ApiOperations, preparedOp } from "../../wire/operation";

export const encryptionApi: ApiOperations<"SYNO.API.Encryption"> = {
  methods: {
    getinfo: preparedOp({
      params: z.object({ format: text() }),
      prepare: async ({ keys }) => ({ value: await keys.login.ready.catch(() => undefined) }),
      run: (ctx, p, key) => {
        if (key === undefined) throw new DsmError(100);
        return encryptionInfo(key, Math.floor(ctx.now / 1000), p.format);
      },
    }),
  },
};
