/**
 * File uploads: a call to a method the spec marks `upload` (the internal `upload_and_create`)
 * carries its file as one part of a `multipart/form-data` body (ISO and qcow2 files are hundreds
 * of MB to several GB). The part is streamed through @fastify/busboy (the maintained fork of busboy) and counted, optionally hashed and
 * written to the upload folder, but never held in memory; the other parts are small form fields
 * that join the call's parameters. The general body limit does not apply to these calls; the
 * upload limit (`--max-upload`) and an idle timeout do.
 *
 * With an upload folder, a file is kept only when the call's session looked valid as its part
 * began (`mayKeep`), is created owner-only (0600) under a fresh name, and is removed again when
 * the upload does not finish (the client left, a limit, an idle timeout, a body busboy cannot
 * read) or cannot be written (a full disk, no permission): no descriptor and no part of a file
 * outlives a failed upload. The HTTP layer removes a kept file when the call then fails.
 */
import { createHash, type Hash, randomUUID } from "node:crypto";
import { accessSync, constants, createWriteStream, mkdirSync, rmSync, type WriteStream } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { Busboy, type BusboyInstance } from "@fastify/busboy";
import { MAX_PARAMS } from "./limits";

/** What the call learns of its file: the emulator keeps no bytes of it unless told to. */
export interface Upload {
  /** The part's file name, as the client gave it. */
  readonly fileName: string;
  readonly bytes: number;
  /** Hex SHA-256 of the bytes, when uploads are hashed. */
  readonly sha256: string | undefined;
  /** Where the file was kept (`--upload-dir`), if it was. */
  readonly path?: string | undefined;
}

export interface UploadOptions {
  /** The multipart part that carries the file (`file`). */
  readonly part: string;
  readonly maxBytes: number;
  readonly hash: boolean;
  /** Where to keep uploaded files (`--upload-dir`); undefined: nowhere. */
  readonly dir: string | undefined;
  /** How long the body may send nothing before the upload is abandoned. */
  readonly idleMs: number;
  /** Whether the file may be kept, given the form fields read before it (the session check). */
  readonly mayKeep?: (fields: Readonly<Record<string, string>>) => boolean;
}

export type UploadResult =
  | { readonly ok: true; readonly fields: Record<string, string>; readonly upload: Upload | undefined }
  | {
      readonly ok: false;
      /** The HTTP status, and the DSM code in the envelope (101, or 100 when the file could not be written). */
      readonly status: 200 | 400 | 408 | 413;
      readonly code: 100 | 101;
      readonly reason: string;
    };

/** Form fields beside the file: few and small (they are parameters, not data). */
const MAX_FIELDS = MAX_PARAMS;
const MAX_FIELD_BYTES = 64 * 1024;

/** Reads a multipart body: fields into parameters, the file part counted as it streams past. */
export function readUpload(
  body: Readable | ReadableStream<Uint8Array>,
  contentType: string,
  options: UploadOptions,
): Promise<UploadResult> {
  return new Promise((resolve) => {
    let settled = false;
    /** The file being written, and its path, until it is whole or removed. */
    let keep: { stream: WriteStream; path: string } | undefined;
    const finish = (result: UploadResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(idle);
      if (!result.ok || result.upload === undefined) discard();
      resolve(result);
    };
    const discard = () => {
      if (keep === undefined) return;
      const { stream, path } = keep;
      keep = undefined;
      stream.destroy();
      // Removed once closed (an open descriptor keeps the blocks of a removed file in use).
      stream.once("close", () => rmSync(path, { force: true }));
    };
    let parser: BusboyInstance;
    try {
      parser = Busboy({
        headers: { "content-type": contentType },
        limits: {
          fields: MAX_FIELDS,
          fieldSize: MAX_FIELD_BYTES,
          files: 1,
          fileSize: options.maxBytes,
          parts: MAX_FIELDS + 1,
        },
      });
    } catch {
      resolve({ ok: false, status: 400, code: 101, reason: "not a multipart body" });
      return;
    }
    const stream =
      body instanceof Readable ? body : Readable.fromWeb(body as import("node:stream/web").ReadableStream);
    const fields: Record<string, string> = {};
    let upload: Upload | undefined;
    let idle: NodeJS.Timeout = setTimeout(() => abandon(408, "the upload stalled"), options.idleMs);
    const touch = () => {
      clearTimeout(idle);
      idle = setTimeout(() => abandon(408, "the upload stalled"), options.idleMs);
    };
    const abandon = (status: 200 | 400 | 408 | 413, reason: string) => {
      stream.unpipe(parser);
      stream.resume();
      finish({ ok: false, status, code: status === 200 ? 100 : 101, reason });
    };
    parser.on("field", (name, value, _nameTruncated, valueTruncated) => {
      if (valueTruncated) return abandon(413, `field ${name} is over ${MAX_FIELD_BYTES} bytes`);
      fields[name] = value;
    });
    parser.on("file", (name, file, fileName) => {
      if (name !== options.part || upload !== undefined || settled) {
        // Not the file this call takes: read past it.
        file.resume();
        return;
      }
      let bytes = 0;
      const hash: Hash | undefined = options.hash ? createHash("sha256") : undefined;
      if (options.dir !== undefined && (options.mayKeep?.(fields) ?? true)) {
        const path = join(options.dir, safeName(fileName));
        keep = { stream: createWriteStream(path, { flags: "wx", mode: 0o600 }), path };
        // A full disk, a removed folder, no descriptor left: the call's failure, not the process's.
        keep.stream.on("error", (err: NodeJS.ErrnoException) =>
          abandon(200, `the file could not be written (${err.code ?? err.message})`),
        );
      }
      const writing = keep?.stream;
      file.on("data", (chunk: Buffer) => {
        touch();
        bytes += chunk.length;
        hash?.update(chunk);
        if (writing !== undefined && !writing.destroyed && !writing.write(chunk)) {
          file.pause();
          writing.once("drain", () => file.resume());
        }
      });
      file.on("limit", () => abandon(413, `the file is over ${options.maxBytes} bytes`));
      file.on("end", () => {
        const made = { fileName: fileName ?? "", bytes, sha256: hash?.digest("hex") };
        if (writing === undefined || keep === undefined) {
          upload = made;
          return;
        }
        const { path } = keep;
        // The call is answered once the file is whole on disk and its descriptor closed.
        pendingClose = new Promise<void>((done) => writing.once("close", done));
        writing.end();
        upload = { ...made, path };
      });
    });
    let pendingClose: Promise<void> | undefined;
    parser.on("partsLimit", () => abandon(413, "too many parts"));
    parser.on("fieldsLimit", () => abandon(413, "too many fields"));
    // A body busboy cannot read is no file, as an unreadable form is no parameters: the call is
    // still answered (its fields so far and the query), like any call with a body DSM cannot read.
    parser.on("error", () => {
      stream.unpipe(parser);
      stream.resume();
      finish({ ok: true, fields, upload: undefined });
    });
    // The fork keeps busboy 0.x's events: `finish` once every part is read (1.x says `close`).
    parser.on("finish", () => {
      const done = () => {
        // Written whole, unless the stream failed meanwhile (then `abandon` has answered).
        if (upload?.path !== undefined && keep === undefined) return;
        keep = undefined;
        finish({ ok: true, fields, upload });
      };
      if (pendingClose === undefined) done();
      else pendingClose.then(done);
    });
    stream.on("data", touch);
    stream.on("error", () => abandon(400, "the upload was cut off"));
    stream.on("aborted", () => abandon(400, "the upload was cut off"));
    // The client went away before the end of its body (HTTP/2 streams say no more than this).
    stream.on("close", () => {
      if (!stream.readableEnded) abandon(400, "the upload was cut off");
    });
    stream.pipe(parser);
  });
}

/**
 * Makes the upload folder (owner-only) if it is missing and checks that files can be made in
 * it: a folder that cannot take a file is a start-up error, not a crash at the first upload.
 */
export function prepareUploadDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new Error(`--upload-dir ${dir}: uploads cannot be kept there (${code})`);
  }
}

/** Removes a kept upload (its call failed). */
export function removeUpload(upload: Upload | undefined): void {
  if (upload?.path !== undefined) rmSync(upload.path, { force: true });
}

/** A client's file name as a name in the upload folder: no path, nothing but safe characters. */
function safeName(name: string | undefined): string {
  const base = (name ?? "upload").split(/[\\/]/).pop() ?? "upload";
  return `${randomUUID()}-${base.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 128) || "upload"}`;
}
