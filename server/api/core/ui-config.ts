/**
 * SYNO.API.Auth.UIConfig `get`: where DSM 7's web login starts. The answer sets the `_SSID`
 * cookie to the emulator's X25519 public key (base64url), the responder's static key of the
 * Noise IK handshake N4S4's client then sends as the login's `ik_message`.
 *
 * Gaps: DSM's JSON body (the login page's settings) is not documented and no client reads it:
 * an empty success is answered. The cookie's attributes beyond `path` and `HttpOnly` are unknown.
 */
import { z } from "zod";
import { publicKeyCookie } from "../../security/noise";
import { type ApiOperations, op } from "../../wire/operation";

export const uiConfigApi: ApiOperations<"SYNO.API.Auth.UIConfig"> = {
  methods: {
    get: op({
      params: z.object({}),
      run: (ctx) => {
        ctx.setCookie(publicKeyCookie(ctx.keys.noise));
      },
    }),
  },
};
