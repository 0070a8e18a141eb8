/**
 * Parser throughput: reports/s and peak memory over the golden corpus repeated to ≥ 1,000 reports
 * (HTML and text separately; PDF separately with fewer repetitions), against a floor — reading the
 * same bytes and building the DOM with cheerio (HTML) or decoding and splitting lines (text/PDF
 * bytes). Prints the figures and the ratio parse/floor. Run: `npx tsx bench/parse.ts [--reps N]`.
 *
 * The machine is shared (2 cores, other jobs): parse and floor run in interleaved rounds after a
 * warm-up (so both see the same load and a warmed JIT), and the median round is reported, with
 * the load average for context.
 */
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
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

async function timeIt(n: number, files: Uint8Array[], fn: (b: Uint8Array) => Promise<unknown> | unknown, offset = 0): Promise<{ perSec: number; ms: number; peak: Peak }> {
  const s = sampler();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    await fn(files[(offset + i) % files.length] as Uint8Array);
    // Let the sampler run now and then.
    if (i % 50 === 49) await new Promise((r) => setImmediate(r));
  }
  const ms = performance.now() - t0;
  return { perSec: (n / ms) * 1000, ms, peak: s.stop() };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/** Rounds of `parse` and `floor` in turn; per-report ms of the median round of each, and the median per-round ratio. */
async function interleaved(
  n: number,
  files: Uint8Array[],
  parse: (b: Uint8Array) => Promise<unknown> | unknown,
  floor: (b: Uint8Array) => unknown,
): Promise<{ parseMs: number; floorMs: number; ratio: number; peak: Peak }> {
  const rounds = Math.max(1, Math.min(10, Math.floor(n / files.length)));
  const per = Math.ceil(n / rounds);
  // Warm-up: a fifth of the work (at least one pass), so the JIT has settled before timing.
  const warm = Math.max(files.length, Math.ceil(n / 5));
  await timeIt(warm, files, parse);
  await timeIt(warm, files, floor);
  const p: number[] = [];
  const f: number[] = [];
  const peak: Peak = { rss: 0, heap: 0 };
  for (let r = 0; r < rounds; r++) {
    const a = await timeIt(per, files, parse, r * per);
    const b = await timeIt(per, files, floor, r * per);
    p.push(a.ms / per);
    f.push(b.ms / per);
    peak.rss = Math.max(peak.rss, a.peak.rss);
    peak.heap = Math.max(peak.heap, a.peak.heap);
  }
  return { parseMs: median(p), floorMs: median(f), ratio: median(p.map((x, i) => x / (f[i] as number))), peak };
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
  console.log(`parse bench: golden corpus, node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  for (const g of groups) {
    if (g.files.length === 0) continue;
    let failed = 0;
    for (const b of g.files) if (!(await parseDocument({ source: "bench", bytes: b })).ok) failed++;
    const r = await interleaved(g.n, g.files, (b) => parseDocument({ source: "bench", bytes: b }), g.floor);
    const bytes = g.files.reduce((a, b) => a + b.length, 0) / g.files.length;
    console.log(
      `${g.name.padEnd(5)} ${String(g.n).padStart(5)} reports (${g.files.length} files, avg ${(bytes / 1024).toFixed(0)} KB): ` +
        `${(1000 / r.parseMs).toFixed(0)} reports/s (${r.parseMs.toFixed(2)} ms each), peak RSS ${mb(r.peak.rss)}, heap ${mb(r.peak.heap)}; ` +
        `floor ${(1000 / r.floorMs).toFixed(0)}/s (${r.floorMs.toFixed(3)} ms); ratio ${r.ratio.toFixed(1)}×${failed ? `; ${failed} of ${g.files.length} files failed` : ""}`,
    );
    if (g.name === "text") textBreakdown(g.files, g.n, r.floorMs);
  }
  console.log(`load average after: ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
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
