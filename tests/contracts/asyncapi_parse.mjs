// Parse an AsyncAPI document with the official parser (@asyncapi/parser) and print its
// diagnostics as JSON lines: {"severity": 0..3, "code", "message", "path"}. Severity 0 is an
// error. Exit status: 0 when the document parsed without errors, 1 otherwise, 2 on bad usage.
// Usage: node asyncapi_parse.mjs FILE
import { readFileSync } from "node:fs";
import { Parser } from "@asyncapi/parser";

const file = process.argv[2];
if (!file) {
  console.error("usage: node asyncapi_parse.mjs FILE");
  process.exit(2);
}
const parser = new Parser();
const { document, diagnostics } = await parser.parse(readFileSync(file, "utf-8"));
for (const d of diagnostics) {
  console.log(JSON.stringify({ severity: d.severity, code: d.code, message: d.message, path: d.path }));
}
const errors = diagnostics.filter((d) => d.severity === 0);
if (document) {
  const channels = document.channels().all().map((c) => c.address());
  console.log(JSON.stringify({ parsed: true, channels }));
}
process.exit(document && errors.length === 0 ? 0 : 1);
