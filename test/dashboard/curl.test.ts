/** "Copy as curl": the request as a shell line, secrets as variables, values quoted for any shell. */
import { describe, expect, it } from "vitest";
import { curlOf } from "../../server/dashboard/curl";
import type { JournalEntryView } from "../../server/dashboard/source";

const entry = (params: Record<string, string>): JournalEntryView => ({
  seq: 1,
  at: "2026-11-01T09:00:00.000Z",
  cgi: "entry.cgi",
  api: params.api ?? null,
  method: params.method ?? null,
  version: 1,
  params,
  success: true,
  duration_ms: 0,
});

describe("copy as curl", () => {
  it("puts secrets in shell variables, never their (redacted) values", () => {
    const line = curlOf(
      entry({
        api: "SYNO.API.Auth",
        method: "login",
        account: "admin",
        passwd: "***",
        _sid: "***",
        SynoToken: "***",
        otp_code: "***",
      }),
      "http://127.0.0.1:5000",
    );
    expect(line).toBe(
      "curl -s 'http://127.0.0.1:5000/webapi/entry.cgi' --data-urlencode 'api=SYNO.API.Auth' --data-urlencode 'method=login' " +
        `--data-urlencode 'account=admin' --data-urlencode "passwd=$PASSWORD" --data-urlencode "_sid=$SID" -H "X-SYNO-TOKEN: $SYNOTOKEN" --data-urlencode "otp_code=$OTP_CODE"`,
    );
    expect(line).not.toContain("***");
  });

  it("quotes values with quotes and shell characters so that the shell passes them as they are", () => {
    const line = curlOf(entry({ description: "it's $(rm -rf /) `x`" }), "http://e");
    expect(line).toContain(`--data-urlencode 'description=it'\\''s $(rm -rf /) \`x\`'`);
  });

  it("leaves out any other value the journal redacted", () => {
    expect(curlOf(entry({ __cIpHeRtExT: "***", api: "A" }), "http://e")).toBe(
      "curl -s 'http://e/webapi/entry.cgi' --data-urlencode 'api=A'",
    );
  });
});
