// `npm start`: builds dist/ when a source is newer (ensure-built.mjs), then runs the compiled
// command line, both in this one process: a separate `prestart` script would cost a second Node
// start on every `npm start`.
await import("./ensure-built.mjs");
await import("../dist/server/cli.js");
