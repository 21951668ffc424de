/**
 * File uploads: a call to a method the spec marks `upload` (the internal `upload_and_create`)
 * carries its file as one part of a `multipart/form-data` body (ISO and qcow2 files are hundreds
 * of MB to several GB). The part is streamed through @fastify/busboy (the maintained fork of busboy) and counted, optionally hashed and
 * written to the upload folder, but never held in memory; the other parts are small form fields
 * that join the call's parameters. The general body limit does not apply to these calls; the
 * upload limit (`--max-upload`) and an idle timeout do.
 */
import { createHash, type Hash, randomUUID } from "node:crypto";
import { createWriteStream, type WriteStream } from "node:fs";
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
}

export type UploadResult =
  | { readonly ok: true; readonly fields: Record<string, string>; readonly upload: Upload | undefined }
  | { readonly ok: false; readonly status: 400 | 408 | 413; readonly reason: string };

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
    const finish = (result: UploadResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(idle);
      resolve(result);
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
      resolve({ ok: false, status: 400, reason: "not a multipart body" });
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
    const abandon = (status: 400 | 408 | 413, reason: string) => {
      stream.unpipe(parser);
      stream.resume();
      finish({ ok: false, status, reason });
    };
    parser.on("field", (name, value, _nameTruncated, valueTruncated) => {
      if (valueTruncated) return abandon(413, `field ${name} is over ${MAX_FIELD_BYTES} bytes`);
      fields[name] = value;
    });
    parser.on("file", (name, file, fileName) => {
      if (name !== options.part || upload !== undefined) {
        // Not the file this call takes: read past it.
        file.resume();
        return;
      }
      let bytes = 0;
      const hash: Hash | undefined = options.hash ? createHash("sha256") : undefined;
      const keep: WriteStream | undefined =
        options.dir === undefined ? undefined : createWriteStream(join(options.dir, safeName(fileName)));
      file.on("data", (chunk: Buffer) => {
        touch();
        bytes += chunk.length;
        hash?.update(chunk);
        if (keep !== undefined && !keep.write(chunk)) {
          file.pause();
          keep.once("drain", () => file.resume());
        }
      });
      file.on("limit", () => {
        keep?.destroy();
        abandon(413, `the file is over ${options.maxBytes} bytes`);
      });
      file.on("end", () => {
        keep?.end();
        upload = { fileName: fileName ?? "", bytes, sha256: hash?.digest("hex") };
      });
    });
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
    parser.on("finish", () => finish({ ok: true, fields, upload }));
    stream.on("data", touch);
    stream.on("error", () => abandon(400, "the upload was cut off"));
    stream.on("aborted", () => abandon(400, "the upload was cut off"));
    stream.pipe(parser);
  });
}

/** A client's file name as a name in the upload folder: no path, nothing but safe characters. */
function safeName(name: string | undefined): string {
  const base = (name ?? "upload").split(/[\\/]/).pop() ?? "upload";
  return `${randomUUID()}-${base.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 128) || "upload"}`;
}
