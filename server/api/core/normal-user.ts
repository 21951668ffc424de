/**
 * SYNO.Core.NormalUser `get`: the session's own account, as DSM's personal settings page reads
 * it. The Terraform provider's session cache probes a saved session with it (it needs a
 * non-empty `username`; 119 means expired).
 *
 * Gaps: `editable` is always true and `disallowchpasswd` follows the password's state
 * (`expired_locked`); `password_last_change` is the day the fixture was loaded, in DSM's unit
 * for it (days since the epoch), as far as known.
 */
import { z } from "zod";
import { DsmError } from "../../wire/errors";
import { type ApiOperations, op } from "../../wire/operation";

export const normalUserApi: ApiOperations<"SYNO.Core.NormalUser"> = {
  methods: {
    get: op({
      params: z.object({}),
      run: (ctx) => {
        const name = ctx.caller?.name;
        const account = name === undefined ? undefined : ctx.store.accounts.account(name);
        if (account === undefined) throw new DsmError(119);
        return {
          OTP_enable: account.otp_secret !== null,
          OTP_enforced: account.otp_enforced === 1,
          disallowchpasswd: account.password_state === "expired_locked",
          editable: true,
          email: account.email,
          fullname: account.fullname,
          password_last_change: Math.floor(account.password_changed_at / 86_400),
          username: account.name,
        };
      },
    }),
  },
};
