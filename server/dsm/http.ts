/**
 * The HTTP face of the WebAPI: DSM's three CGI paths (and the path-info form of entry.cgi),
 * GET query parameters merged with a form-encoded POST body, and the envelope on every answer.
 * Anything the dispatcher did not expect is logged and answered as DSM error 100, never as a
 * stack trace or an HTML page.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { getCookie } from "hono/cookie";
import { type DsmAnswer, type DsmRequest, dispatch } from "./dispatcher";
import { dsmResponse, errorBody, successBody } from "./envelope";
import type { CgiName, Registry, Services } from "./registry";

const CGIS: readonly CgiName[] = ["query.cgi", "auth.cgi", "entry.cgi"];

export interface WebApiOptions {
  readonly log: (line: string) => void;
  /** Called with every answer, for the request log. */
  readonly onAnswer?: (req: DsmRequest, answer: DsmAnswer) => void;
}

export function webApiRoutes(services: Services, registry: Registry, options: WebApiOptions): Hono {
  const app = new Hono();
  const handle = async (c: Context, cgi: CgiName, pathApi: string | undefined) => {
    const req = await readRequest(c, cgi, pathApi);
    let answer: DsmAnswer;
    try {
      answer = dispatch(services, registry, req);
    } catch (err) {
      options.log(
        `unexpected fault in ${req.params.api ?? "?"}.${req.params.method ?? "?"}: ${describe(err)}`,
      );
      answer = { success: false, code: 100, cookies: [] };
    }
    options.onAnswer?.(req, answer);
    return render(answer);
  };
  for (const cgi of CGIS) {
    app.on(["GET", "POST"], `/webapi/${cgi}`, (c) => handle(c, cgi, undefined));
    app.on(["GET", "POST"], `/webapi/${cgi}/:api`, (c) => handle(c, cgi, c.req.param("api")));
  }
  return app;
}

export function render(answer: DsmAnswer): Response {
  const headers = new Headers();
  for (const cookie of answer.cookies) headers.append("Set-Cookie", cookie);
  const body = answer.success ? successBody(answer.data) : errorBody(answer.code, answer.errors);
  return dsmResponse(body, 200, headers);
}

async function readRequest(c: Context, cgi: CgiName, pathApi: string | undefined): Promise<DsmRequest> {
  const params: Record<string, string> = {};
  const url = new URL(c.req.url);
  for (const [k, v] of url.searchParams) params[k] = v;
  if (c.req.method === "POST") {
    const type = c.req.header("content-type") ?? "";
    // DSM reads form bodies; a body without a content type is read the same way (curl -d does that).
    if (type === "" || type.startsWith("application/x-www-form-urlencoded")) {
      const text = await c.req.text();
      for (const [k, v] of new URLSearchParams(text)) params[k] = v;
    } else if (type.startsWith("multipart/form-data")) {
      const form = await c.req.formData();
      for (const [k, v] of form) if (typeof v === "string") params[k] = v;
    }
  }
  return {
    cgi,
    pathApi,
    params,
    cookies: getCookie(c),
    header: (name) => c.req.header(name),
  };
}

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
