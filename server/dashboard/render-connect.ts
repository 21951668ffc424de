/**
 * "How to connect": the URLs, the HTTPS certificate's pin, and a login to copy. The password is
 * never shown (the fixture has it); the login line reads it from `$PASSWORD`.
 */
import { type Html, html } from "./html";
import type { ConnectionView, StateView } from "./source";

export function connectSection(connection: ConnectionView | undefined, state: StateView): Html {
  if (connection === undefined)
    return html`<p>This emulator is used without a socket (<code>app.fetch</code>): it has no URL.</p>`;
  const admin = state.accounts.find((a) => a.is_admin && !a.disabled && !a.otp)?.name ?? "admin";
  const login = `curl -s "${connection.url}/webapi/entry.cgi" --data-urlencode api=SYNO.API.Auth --data-urlencode version=7 --data-urlencode method=login --data-urlencode account=${admin} --data-urlencode "passwd=$PASSWORD" --data-urlencode format=sid`;
  return html`<dl class="facts connect">
  <div><dt>DSM WebAPI</dt><dd><code class="connect-url">${connection.url}/webapi/</code></dd></div>
  ${connection.httpsUrl !== undefined && html`<div><dt>HTTPS</dt><dd><code class="connect-https">${connection.httpsUrl}/webapi/</code></dd></div>`}
  ${connection.fingerprint !== undefined && html`<div><dt>HTTPS pin (SHA-256)</dt><dd><code class="connect-pin">${connection.fingerprint}</code></dd></div>`}
  <div><dt>Control plane</dt><dd><code>${connection.url}/__admin</code></dd></div>
  <div><dt>Login</dt><dd>account <code>${admin}</code>, the fixture's password (the default fixture's: <code>synology</code>)</dd></div>
</dl>
<pre class="connect-login"><code>${login}</code></pre>
<p class="muted small">The kit pins the certificate with <code>VMM_NAS_CERT_SHA256</code>; see docs/your-nas-emulated.md.</p>`;
}
