/**
 * Parser throughput: reports/s and peak memory over the golden corpus repeated to ≥ 1,000 reports
 * (HTML and text separately; PDF separately with fewer repetitions), against a floor — reading the
 * same bytes and building the DOM with cheerio (HTML) or decoding and splitting lines (text/PDF
 * bytes). Prints the figures and the ratio parse/floor. Run: `npx tsx bench/parse.ts [--reps N]`.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as cheerio from "cheerio";
import { decodeBytes } from "../src/report/extract/charset.js";
import { normaliseText } from "../src/report/extract/normalise.js";
import { textToText } from "../src/report/extract/text.js";
import { readTables } from "../src/report/layouts/index.js";
import { extractMeta } from "../src/report/meta.js";
import { parseDocument } from "../src/report/parse.js";
import { checkReport } from "../src/report/rules/index.js";
import { Report } from "../src/report/schema.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const golden = path.resolve(here, "../test/golden");

interface Peak {
  rss: number;
  heap: number;
}

function sampler(): { stop: () => Peak } {
  const peak: Peak = { rss: 0, heap: 0 };
  const take = (): void => {
    const m = process.memoryUsage();
    peak.rss = Math.max(peak.rss, m.rss);
    peak.heap = Math.max(peak.heap, m.heapUsed);
  };
  take();
  const t = setInterval(take, 5);
  return {
    stop: () => {
      clearInterval(t);
      take();
      return peak;
    },
  };
}

const mb = (n: number): string => `${(n / 1048576).toFixed(0)} MB`;

async function timeIt(n: number, files: Uint8Array[], fn: (b: Uint8Array) => Promise<unknown> | unknown): Promise<{ perSec: number; ms: number; peak: Peak }> {
  const s = sampler();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    await fn(files[i % files.length] as Uint8Array);
    // Let the sampler run now and then.
    if (i % 50 === 49) await new Promise((r) => setImmediate(r));
  }
  const ms = performance.now() - t0;
  return { perSec: (n / ms) * 1000, ms, peak: s.stop() };
}

function load(ext: (name: string) => boolean): Uint8Array[] {
  return readdirSync(golden, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(path.join(golden, d.name)).filter((f) => f.startsWith("source.") && ext(f)).map((f) => new Uint8Array(readFileSync(path.join(golden, d.name, f)))));
}

/** Run the benchmark and print its figures. */
export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  const i = argv.indexOf("--reps");
  const reps = i >= 0 ? Math.max(1, Number(argv[i + 1]) || 1000) : 1000;
  const groups = [
    { name: "HTML", files: load((f) => f.endsWith(".html")), n: reps, floor: (b: Uint8Array) => cheerio.load(new TextDecoder().decode(b)).root().text().length },
    { name: "text", files: load((f) => f.endsWith(".txt")), n: reps, floor: (b: Uint8Array) => new TextDecoder().decode(b).split("\n").length },
    { name: "PDF", files: load((f) => f.endsWith(".pdf")), n: Math.max(2, Math.round(reps / 20)), floor: (b: Uint8Array) => new TextDecoder("latin1").decode(b).split("\n").length },
  ];
  console.log(`parse bench: golden corpus, node ${process.version}`);
  for (const g of groups) {
    if (g.files.length === 0) continue;
    // Warm up (JIT, opencc/pdf.js lazy init) before timing.
    for (const b of g.files) await parseDocument({ source: "warm", bytes: b });
    let failed = 0;
    const parse = await timeIt(g.n, g.files, async (b) => {
      const out = await parseDocument({ source: "bench", bytes: b });
      if (!out.ok) failed++;
    });
    const floor = await timeIt(g.n, g.files, g.floor);
    const bytes = g.files.reduce((a, b) => a + b.length, 0) / g.files.length;
    console.log(
      `${g.name.padEnd(5)} ${String(g.n).padStart(5)} reports (${g.files.length} files, avg ${(bytes / 1024).toFixed(0)} KB): ` +
        `${parse.perSec.toFixed(0)} reports/s (${(parse.ms / g.n).toFixed(2)} ms each), peak RSS ${mb(parse.peak.rss)}, heap ${mb(parse.peak.heap)}; ` +
        `floor ${floor.perSec.toFixed(0)}/s (${(floor.ms / g.n).toFixed(3)} ms); ratio ${(parse.ms / floor.ms).toFixed(1)}×${failed ? `; ${failed} failed` : ""}`,
    );
    if (g.name === "text") textBreakdown(g.files, g.n, floor.ms / g.n);
  }
}

/** Where a text report's time goes: extraction + layouts (the parser), rules, schema check. */
function textBreakdown(files: Uint8Array[], n: number, floorMs: number): void {
  const t = { parser: 0, rules: 0, zod: 0 };
  for (let i = 0; i < n; i++) {
    const b = files[i % files.length] as Uint8Array;
    let t0 = performance.now();
    const x = textToText(normaliseText(decodeBytes(b)));
    const m = extractMeta(x.text);
    const tb = readTables(x.scan, x.text, m.year);
    const base = { source: "b", title: m.title, agency: m.agency, year: m.year, layout: tb.layout, publishedAt: m.publishedAt, activeDisclosure: tb.activeDisclosure, requests: tb.requests, reviewLitigation: tb.reviewLitigation };
    t.parser += performance.now() - t0;
    t0 = performance.now();
    const f = checkReport({ report: base, text: x.text, publishedAt: m.publishedAt });
    t.rules += performance.now() - t0;
    t0 = performance.now();
    Report.safeParse({ ...base, findings: [...tb.findings, ...f] });
    t.zod += performance.now() - t0;
  }
  const per = (v: number): string => `${(v / n).toFixed(2)} ms`;
  console.log(`      text breakdown per report: extract+layouts ${per(t.parser)} (${(t.parser / n / floorMs).toFixed(1)}× floor), rules ${per(t.rules)}, zod ${per(t.zod)}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  });
}
