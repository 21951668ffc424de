/**
 * The emulator's HTTP and HTTPS servers around the app: Node's servers with @hono/node-server's
 * request listener, and every answer Node or the adapter would write themselves (a request line
 * or header they cannot parse, a Host they cannot build a URL from, a backslash in the path, an
 * `Expect` they do not know) written as DSM's envelope instead of a bare status line.
 *
 * Also: the Host is lower-cased before the adapter reads it (names are case-insensitive, and the
 * adapter refuses `NAS.example.com:5001` as an invalid host), and `close()` ends every open
 * connection, keep-alive and HTTP/2 sessions included.
 *
 * Both ports keep the same limits (wire/limits.ts). HTTPS is a TLS server that hands each
 * connection, by the protocol ALPN chose, to an HTTP/1.1 server built like the HTTP port's (so
 * its header, keep-alive and connection-checking limits are the same code) or to an HTTP/2
 * server whose sessions close once idle. A TLS error destroys its socket: nothing HTTP can be
 * written on it. A connection refused with an answer (400, 408, 431) is half-closed and then
 * destroyed after `lingerMs`, whether or not the client read it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createH2Server, type Http2Session, constants as h2 } from "node:http2";
import type { AddressInfo, Server as NetServer, Socket } from "node:net";
import type { Duplex } from "node:stream";
import { createServer as createTlsServer, type TLSSocket } from "node:tls";
import { getRequestListener } from "@hono/node-server";
import type { TlsMaterial } from "./security/certificate";
import { DSM_HEADERS, dsmResponse, errorBody } from "./wire/envelope";
import { DEFAULT_LIMITS, MAX_HEADER_BYTES, serverOptions, type WireLimits } from "./wire/limits";

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
    // An answer sent before its body was read (413, 408): the rest is never read. HTTP/1.1
    // closes the connection (the answer says `Connection: close`); an HTTP/2 stream is reset,
    // or its half-open request would keep the session busy for ever. (HTTP/1.1 requests have
    // no stream: no listener is added to their answers, a cost on every call.)
    if (req.httpVersionMajor === 2) {
      res.once("finish", () => {
        const stream = (req as unknown as { stream?: { close(code: number): void; closed: boolean } }).stream;
        if (!req.complete && stream !== undefined && !stream.closed) stream.close(h2.NGHTTP2_CANCEL);
      });
      dropConnectionHeader(res);
    }
    return listener(req, res);
  };
}

/**
 * HTTP/2 has no `Connection` header (an answer that says `Connection: close` to an HTTP/1.1
 * client would make Node warn and drop it): removed before the head is written.
 */
function dropConnectionHeader(res: ServerResponse): void {
  const writeHead = res.writeHead.bind(res) as (
    status: number,
    headers?: Record<string, unknown>,
  ) => ServerResponse;
  res.writeHead = ((status: number, headers?: Record<string, unknown>) => {
    if (headers !== undefined && typeof headers === "object" && !Array.isArray(headers))
      for (const name of Object.keys(headers)) if (name.toLowerCase() === "connection") delete headers[name];
    return writeHead(status, headers);
  }) as ServerResponse["writeHead"];
}

/** An HTTP/1.1 server with the limits, its Node-written answers in the envelope. */
function http1(fetch: Fetch, host: string, limits: WireLimits): Server {
  const server = createServer(serverOptions(limits), listenerFor(fetch, host));
  // Node answers requests it cannot parse (headers over the limit, bad request lines) itself,
  // with a bare status line; DSM clients expect the envelope, so write it here.
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) =>
    answerClientError(err, socket, limits.lingerMs),
  );
  // An Expect other than 100-continue: Node would answer a bare 417.
  server.on("checkExpectation", (_req: IncomingMessage, res: ServerResponse) => {
    const body = errorBody(101);
    res.writeHead(417, { ...DSM_HEADERS, "Content-Length": Buffer.byteLength(body), Connection: "close" });
    res.end(body);
  });
  return server;
}

export function listenHttp(
  fetch: Fetch,
  host: string,
  port: number,
  limits: WireLimits = DEFAULT_LIMITS,
): Promise<Listening> {
  const server = http1(fetch, host, limits);
  return listen(server, host, port, () => {});
}

/** HTTPS: HTTP/2 where the client offers it through ALPN (the Go client does), HTTP/1.1 always. */
export function listenHttps(
  fetch: Fetch,
  host: string,
  port: number,
  tls: TlsMaterial,
  limits: WireLimits = DEFAULT_LIMITS,
): Promise<Listening> {
  const h1 = http1(fetch, host, limits);
  // This server never listens itself; "listening" is what starts its connection checks (the
  // header deadline), which would otherwise never run.
  h1.emit("listening");
  const h2server = createH2Server(
    { settings: { maxHeaderListSize: MAX_HEADER_BYTES }, maxSessionMemory: 16 },
    listenerFor(fetch, host) as unknown as Parameters<typeof createH2Server>[1],
  );
  h2server.on("session", (session) => closeWhenIdle(session, limits));
  const server = createTlsServer(
    {
      cert: tls.certPem,
      key: tls.keyPem,
      ALPNProtocols: ["h2", "http/1.1"],
      handshakeTimeout: limits.headersMs,
    },
    (socket: TLSSocket) => (socket.alpnProtocol === "h2" ? h2server : h1).emit("connection", socket),
  );
  // A handshake that failed or never finished: Node leaves the socket open (CLOSE_WAIT once the
  // client leaves), and it is not an HTTP connection to answer.
  server.on("tlsClientError", (_err: Error, socket: TLSSocket) => socket.destroy());
  return listen(server, host, port, () => {
    h1.close(() => {});
    h2server.close();
  });
}

/**
 * Closes an HTTP/2 session once it has had no stream open for `keepAliveMs` (HTTP/1.1's
 * keep-alive limit). A stream held open on purpose (a fault rule's hang) keeps it.
 */
function closeWhenIdle(session: Http2Session, limits: WireLimits): void {
  let open = 0;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      session.close();
      // A client that never acknowledges the GOAWAY is not waited for.
      setTimeout(() => session.destroy(), limits.lingerMs).unref();
    }, limits.keepAliveMs).unref();
  };
  arm();
  session.on("stream", (stream) => {
    open++;
    clearTimeout(timer);
    stream.once("close", () => {
      if (--open === 0) arm();
    });
  });
  session.once("close", () => clearTimeout(timer));
}

async function listen(
  server: Server | NetServer,
  host: string,
  port: number,
  closeInner: () => void,
): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        closeInner();
        // Keep-alive sockets (and HTTP/2 sessions) would hold close() open until they idle out.
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/**
 * Node's own refusals in the envelope. The answer is followed by the end of the connection: the
 * socket is half-closed with the answer, then destroyed after `lingerMs` (or as soon as the
 * client closes), so a client that never reads cannot keep it.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex, lingerMs: number): void {
  // A connection already broken (the client left), or a TLS failure: nothing can be answered.
  if (!socket.writable || err.code === "ECONNRESET" || err.code?.startsWith("ERR_SSL") === true) {
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
  const linger = setTimeout(() => socket.destroy(), lingerMs);
  linger.unref();
  socket.once("close", () => clearTimeout(linger));
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\n${head}` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
