/**
 * False-finding measure: error and warning findings on reports known to be clean — the shared
 * corpus entries with no known anomaly (../shared/corpus/expected.json, honouring their
 * allowed_warnings) and the golden cases marked `"clean": true`. A finding there is a false alarm
 * (or an anomaly the hand check missed: read it). parse.* warnings (a cell that could not be
 * read) are counted apart: they are honest limits of the reading, not claims about the report.
 * Run: `npx tsx scripts/false-findings.ts [--corpus DIR] [--verbose]`.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseDocument } from "../src/report/parse.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const verbose = args.includes("--verbose");
const corpusAt = args.indexOf("--corpus");
const corpus = path.resolve(corpusAt >= 0 ? (args[corpusAt + 1] as string) : path.resolve(here, "../../shared/corpus"));
const golden = path.resolve(here, "../test/golden");

interface Clean {
  name: string;
  file: string;
  allowed: Set<string>;
}

const cleans: Clean[] = [];
if (existsSync(path.join(corpus, "expected.json"))) {
  const entries = JSON.parse(readFileSync(path.join(corpus, "expected.json"), "utf8")) as { file: string; anomalies?: unknown[]; allowed_warnings?: string[] }[];
  for (const e of entries) if ((e.anomalies ?? []).length === 0) cleans.push({ name: `corpus/${e.file}`, file: path.join(corpus, e.file), allowed: new Set(e.allowed_warnings ?? []) });
}
for (const d of readdirSync(golden, { withFileTypes: true })) {
  if (!d.isDirectory()) continue;
  const e = JSON.parse(readFileSync(path.join(golden, d.name, "expected.json"), "utf8")) as { clean?: boolean; allowedWarnings?: string[] };
  if (!e.clean) continue;
  const src = readdirSync(path.join(golden, d.name)).find((f) => f.startsWith("source."));
  if (src) cleans.push({ name: `golden/${d.name}`, file: path.join(golden, d.name, src), allowed: new Set(e.allowedWarnings ?? []) });
}

let errors = 0;
let warnings = 0;
let parseWarnings = 0;
let silent = 0;
for (const c of cleans) {
  const out = await parseDocument({ source: c.file, bytes: new Uint8Array(readFileSync(c.file)) });
  if (!out.ok) {
    console.log(`${c.name}: not parsed (${out.error.message})`);
    continue;
  }
  const fs = out.report.findings;
  const e = fs.filter((f) => f.severity === "error");
  const w = fs.filter((f) => f.severity === "warning" && !f.rule.startsWith("parse.") && !c.allowed.has(f.rule));
  const pw = fs.filter((f) => f.severity === "warning" && f.rule.startsWith("parse."));
  errors += e.length;
  warnings += w.length;
  parseWarnings += pw.length;
  if (e.length + w.length === 0) silent++;
  console.log(`${c.name}: ${e.length} error, ${w.length} warning (${pw.length} parse.* warning)`);
  if (verbose) for (const f of [...e, ...w, ...pw]) console.log(`    ${f.severity} ${f.rule}: ${f.message.slice(0, 140)}`);
}
console.log(`clean reports: ${cleans.length}; with no error or warning: ${silent}/${cleans.length}`);
console.log(`false findings: ${errors} error, ${warnings} warning (parse.* warnings, honest reading limits: ${parseWarnings})`);
