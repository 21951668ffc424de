/**
 * The emulator's HTTP and HTTPS servers around the app: Node's servers with @hono/node-server's
 * request listener, and every answer Node or the adapter would write themselves (a request line
 * or header they cannot parse, a Host they cannot build a URL from, a backslash in the path, an
 * `Expect` they do not know) written as DSM's envelope instead of a bare status line.
 *
 * Also: the Host is lower-cased before the adapter reads it (names are case-insensitive, and the
 * adapter refuses `NAS.example.com:5001` as an invalid host), and `close()` ends every open
 * connection, keep-alive and HTTP/2 sessions included.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createSecureServer, type Http2SecureServer } from "node:http2";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { getRequestListener } from "@hono/node-server";
import type { TlsMaterial } from "./security/certificate";
import { DSM_HEADERS, dsmResponse, errorBody } from "./wire/envelope";
import { MAX_HEADER_BYTES, SERVER_OPTIONS } from "./wire/limits";

type Fetch = (request: Request, env: unknown) => Response | Promise<Response>;

export interface Listening {
  readonly port: number;
  close(): Promise<void>;
}

/** The adapter's listener, answering the requests it cannot turn into a Request with 400 and the envelope. */
function listenerFor(fetch: Fetch, hostname: string) {
  const listener = getRequestListener(fetch as Parameters<typeof getRequestListener>[0], {
    hostname,
    errorHandler: () => dsmResponse(errorBody(101), 400),
  });
  return (req: IncomingMessage, res: ServerResponse) => {
    const host = req.headers.host;
    if (host !== undefined) req.headers.host = host.toLowerCase();
    return listener(req, res);
  };
}

export function listenHttp(fetch: Fetch, host: string, port: number): Promise<Listening> {
  return listen(createServer(SERVER_OPTIONS, listenerFor(fetch, host)), host, port);
}

/** HTTPS: HTTP/2 where the client offers it through ALPN (the Go client does), HTTP/1.1 always. */
export function listenHttps(fetch: Fetch, host: string, port: number, tls: TlsMaterial): Promise<Listening> {
  const server = createSecureServer(
    {
      cert: tls.certPem,
      key: tls.keyPem,
      allowHTTP1: true,
      handshakeTimeout: SERVER_OPTIONS.headersTimeout,
      settings: { maxHeaderListSize: MAX_HEADER_BYTES },
      maxSessionMemory: 16,
    },
    listenerFor(fetch, host) as unknown as Parameters<typeof createSecureServer>[1],
  );
  return listen(server, host, port);
}

async function listen(server: Server | Http2SecureServer, host: string, port: number): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const sockets = new Set<Duplex>();
  const track = (socket: Duplex) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  };
  server.on("connection", track);
  server.on("secureConnection", track);
  // Node answers requests it cannot parse (headers over the limit, bad request lines) itself,
  // with a bare status line; DSM clients expect the envelope, so write it here.
  server.on("clientError", answerClientError);
  // An Expect other than 100-continue: Node would answer a bare 417.
  server.on("checkExpectation", (_req: IncomingMessage, res: ServerResponse) => {
    const body = errorBody(101);
    res.writeHead(417, { ...DSM_HEADERS, "Content-Length": Buffer.byteLength(body), Connection: "close" });
    res.end(body);
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets (and HTTP/2 sessions) would hold close() open until they idle out.
        for (const socket of sockets) socket.destroy();
      }),
  };
}

function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const status =
    err.code === "HPE_HEADER_OVERFLOW" ? 431 : err.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
  const reason = { 400: "Bad Request", 408: "Request Timeout", 431: "Request Header Fields Too Large" }[
    status
  ];
  const body = errorBody(101);
  const head = Object.entries(DSM_HEADERS)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("");
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\n${head}` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
