/**
 * History at scale: 100,000 StoredReports generated from the corpus values (varied agency, year
 * and numbers) in a temp LowdbStore. Prints open() time, file size, heap/RSS, and response times
 * of a /latest-equivalent (find the agency's newest report + format the reply), /compare
 * (compareReply), /rank (rankReply) and `export` (CSV of one region-year slice and of everything).
 *
 * Run: `npx tsx bench/history.ts [--n=100000] [--queries=20]`. Figures only; nothing is asserted.
 */
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describeFigures, keyFigures } from "../src/report/figures.js";
import { Report } from "../src/report/schema.js";
import { LowdbStore } from "../src/store/lowdb.js";
import type { PortalEntry, StoredReport } from "../src/store/types.js";
import { compareReply, rankReply } from "../src/answer/history.js";
import { csvChunks } from "../src/render/export.js";
import { createIdentity } from "../src/agency/identity.js";
import { portalsInRegion } from "../src/agency/peers.js";
import { findAgency, newer } from "../src/agency/series.js";
import { selectReports } from "../src/commands/history.js";
import { corpusReports } from "../test/support/reports.js";

const LIMIT_MS = 200;

const CHARS = "安宁平阳江山河城远东西南北明华兴昌德清泰";
const PROVINCES = ["江苏", "浙江", "福建", "河南", "湖北", "江西", "山东", "广东", "四川", "安徽"];
const DEPTS = [
  "人民政府",
  "人民政府办公室",
  "发展和改革委员会",
  "教育局",
  "公安局",
  "民政局",
  "司法局",
  "财政局",
  "人力资源和社会保障局",
  "自然资源和规划局",
  "生态环境局",
  "住房和城乡建设局",
  "交通运输局",
  "水利局",
  "农业农村局",
  "商务局",
  "文化广电和旅游局",
  "卫生健康委员会",
  "退役军人事务局",
  "应急管理局",
  "审计局",
  "市场监督管理局",
  "统计局",
  "医疗保障局",
  "城市管理局",
];

/** Deterministic PRNG (mulberry32) so runs are comparable. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function scaleCells<T>(v: T, f: number): T {
  if (typeof v === "number") return (Number.isInteger(v) ? Math.round(v * f) : Math.round(v * f * 100) / 100) as T;
  if (Array.isArray(v)) return v.map((x) => scaleCells(x, f)) as T;
  if (v && typeof v === "object") {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = k === "format" ? x : scaleCells(x, f);
    return o as T;
  }
  return v;
}

interface Fixture {
  reports: {
    layout: Report["layout"];
    activeDisclosure: unknown;
    requests: unknown;
    reviewLitigation: unknown;
  }[];
}

/** Portals (cities) and reports: `agencies` per portal × `years` years. */
export function generate(n: number): { portals: PortalEntry[]; reports: StoredReport[] } {
  // Same corpus values as the tests (test/support/reports.ts, from ../shared/corpus).
  const fx: Fixture = { reports: corpusReports().map((s) => s.report) };
  for (const r of fx.reports) Report.pick({ activeDisclosure: true, requests: true, reviewLitigation: true }).parse(r);
  const t21 = fx.reports.filter((r) => r.layout === "2021");
  const t19 = fx.reports.filter((r) => r.layout === "2019");
  const years = [2020, 2021, 2022, 2023, 2024];
  const perPortal = DEPTS.length * 4;
  const portalsNeeded = Math.ceil(n / (years.length * perPortal));
  const portals: PortalEntry[] = [];
  for (let i = 0; i < portalsNeeded; i++) {
    const stem = `${CHARS[i % 20]}${CHARS[Math.floor(i / 20) % 20]}`;
    const prov = PROVINCES[i % PROVINCES.length] ?? "江苏";
    portals.push({ id: `city-${i}`, name: `${stem}市人民政府`, url: `http://city-${i}.invalid/nb/`, region: `${prov} ${stem}`, level: "government" });
  }
  const rand = rng(42);
  const reports: StoredReport[] = [];
  outer: for (const p of portals) {
    const stem = p.name.replace("市人民政府", "");
    for (let a = 0; a < perPortal; a++) {
      const dept = DEPTS[a % DEPTS.length] ?? "民政局";
      const branch = Math.floor(a / DEPTS.length);
      const agency = `${stem}市${dept}${branch ? `第${"一二三"[branch - 1]}分局` : ""}`;
      const size = 0.2 + rand() * 3;
      for (const year of years) {
        if (reports.length >= n) break outer;
        const tpl = year < 2021 ? t19[Math.floor(rand() * t19.length)] : t21[Math.floor(rand() * t21.length)];
        if (!tpl) throw new Error("fixture has no template");
        const f = size * (0.8 + rand() * 0.4);
        const id = `${p.id}-${a}-${year}`;
        // Templates were validated once above; the copies keep their shape.
        const report: StoredReport["report"] = {
          source: `${p.url}${id}.html`,
          title: `${agency}${year}年政府信息公开工作年度报告`,
          agency,
          year,
          layout: tpl.layout,
          publishedAt: `${year + 1}-01-${String(10 + Math.floor(rand() * 18)).padStart(2, "0")}`,
          activeDisclosure: scaleCells(tpl.activeDisclosure as Report["activeDisclosure"], f),
          requests: scaleCells(tpl.requests as Report["requests"], f),
          reviewLitigation: scaleCells(tpl.reviewLitigation as Report["reviewLitigation"], f),
          findings: rand() < 0.3 ? [{ rule: "t3.balance", severity: "error", message: "勾稽关系不平" }] : [],
        };
        reports.push({
          id,
          url: `${p.url}${id}.html`,
          portalId: p.id,
          contentHash: "a".repeat(64),
          rawType: "html",
          fetchedAt: `${year + 1}-02-01T00:00:00.000Z`,
          publishedAt: report.publishedAt ?? null,
          agencyKey: null,
          report,
        });
      }
    }
  }
  return { portals, reports };
}

async function timeIt<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

/** Nearest-rank quantile. */
function quantile(ms: number[], p: number): number {
  const s = [...ms].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? NaN;
}

function stats(ms: number[]): string {
  return `median ${quantile(ms, 0.5).toFixed(1)} ms, p95 ${quantile(ms, 0.95).toFixed(1)} ms, max ${Math.max(...ms).toFixed(1)} ms`;
}

const mb = (b: number): string => `${(b / 1024 / 1024).toFixed(1)} MB`;

/** Entry point (also called by bench/run.ts). */
export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  const opt = (name: string, def: number): number => {
    const a = argv.find((x) => x.startsWith(`--${name}=`));
    return a ? Number(a.split("=")[1]) : def;
  };
  const n = opt("n", 100_000);
  const queries = opt("queries", 20);
  const dir = await mkdtemp(join(tmpdir(), "nianbao-bench-history-"));
  const verdicts: string[] = [];
  try {
    const g0 = performance.now();
    const { portals, reports } = generate(n);
    const identity = createIdentity({ portals });
    // Keys are set the way annotateWithHistory sets them.
    const k0 = performance.now();
    for (const r of reports) r.agencyKey = identity.ofReport(r)?.key ?? null;
    const keyMs = performance.now() - k0;
    console.log(`generated ${reports.length} reports (${portals.length} portals) in ${(performance.now() - g0).toFixed(0)} ms; agency keys in ${keyMs.toFixed(0)} ms (${((keyMs * 1000) / reports.length).toFixed(1)} µs each)`);

    const w = new LowdbStore(dir);
    await w.open();
    const put = await timeIt(() => w.putReports(reports));
    await w.close();
    const size = (await stat(join(dir, "reports.json"))).size;
    console.log(`putReports(all): ${put.ms.toFixed(0)} ms; reports.json ${mb(size)}`);
    reports.length = 0;
    (globalThis as { gc?: () => void }).gc?.();

    const before = process.memoryUsage();
    const store = new LowdbStore(dir);
    const opened = await timeIt(() => store.open());
    const after = process.memoryUsage();
    console.log(
      `open(): ${opened.ms.toFixed(0)} ms; after open heap ${mb(after.heapUsed)}, RSS ${mb(after.rss)} (RSS +${mb(after.rss - before.rss)} for the open)`,
    );
    if (opened.ms > 2000) verdicts.push(`open() ${opened.ms.toFixed(0)} ms (startup; reads and parses all ${mb(size)})`);

    const count = await store.countReports();
    // The floor under every query: one pass over all reports (no hit, nothing copied) and a
    // narrow query (one portal-year, ~100 hits copied).
    const scan: number[] = [];
    const narrow: number[] = [];
    for (let i = 0; i < 5; i++) {
      scan.push((await timeIt(() => store.findReports({ year: 1900 }))).ms);
      narrow.push((await timeIt(() => store.findReports({ portalId: `city-${i}`, year: 2024 }))).ms);
    }
    console.log(`store floor: findReports full scan (0 hits) ${stats(scan)}; one portal-year (~${DEPTS.length * 4} hits) ${stats(narrow)}`);
    const heads = await timeIt(() => store.listReportHeads());
    console.log(`listReportHeads(): ${heads.value.length} heads in ${heads.ms.toFixed(2)} ms (kept in memory by the store; lookups match on these)`);
    const rand = rng(7);
    const names: string[] = [];
    for (let i = 0; i < queries; i++) {
      const p = Math.floor(rand() * portals.length);
      const a = Math.floor(rand() * DEPTS.length * 4);
      const r = await store.getReport(`city-${p}-${a}-2024`);
      if (r?.report.agency) names.push(r.report.agency);
    }

    // /latest: the agency's newest report + its key figures as a reply.
    const latest: number[] = [];
    for (const q of names) {
      const t = await timeIt(async () => {
        const l = await findAgency(store, q, identity);
        if (!l.ok) return "";
        const r = l.reports.reduce((x, y) => ((x.report.year ?? 0) > (y.report.year ?? 0) ? x : (y.report.year ?? 0) > (x.report.year ?? 0) ? y : newer(x, y)));
        return describeFigures(keyFigures(r.report), "zh").join("\n");
      });
      latest.push(t.ms);
    }
    console.log(`/latest (findAgency + newest + format) over ${count} reports: ${stats(latest)}`);

    const compare: number[] = [];
    let compareChars = 0;
    for (const q of names) {
      const t = await timeIt(() => compareReply(store, q, "zh", { identity }));
      compare.push(t.ms);
      compareChars += t.value.join("").length;
    }
    console.log(`/compare (compareReply, 5 years): ${stats(compare)}; avg reply ${Math.round(compareChars / Math.max(1, names.length))} chars`);

    const region = portals[0]?.region ?? "江苏";
    const province = region.split(" ")[0] ?? "江苏";
    const rank = await timeIt(() => rankReply(store, portals, province, "不掌握", "zh", { identity }));
    console.log(`/rank ${province} 不掌握 (${portalsInRegion(portals, province).length} portals): ${rank.ms.toFixed(0)} ms, ${rank.value.length} message(s)`);

    const slice = await timeIt(async () => {
      const sel = await selectReports(store, identity, portals, { region, year: 2024 });
      const rows = sel.ok ? sel.reports : [];
      let chars = 0;
      for (const c of csvChunks(rows)) chars += c.length;
      return { rows: rows.length, chars };
    });
    console.log(`export CSV region "${region}" year 2024: ${slice.value.rows} rows, ${mb(slice.value.chars)} in ${slice.ms.toFixed(0)} ms`);

    const all = await timeIt(async () => {
      const sel = await selectReports(store, identity, portals, {});
      const rows = sel.ok ? sel.reports : [];
      let chars = 0;
      for (const c of csvChunks(rows)) chars += c.length;
      return { rows: rows.length, chars };
    });
    console.log(`export CSV everything: ${all.value.rows} rows, ${mb(all.value.chars)} in ${all.ms.toFixed(0)} ms`);
    const mem = process.memoryUsage();
    console.log(`after commands: heap ${mb(mem.heapUsed)}, RSS ${mb(mem.rss)}`);

    const p95 = (xs: number[]): number => quantile(xs, 0.95);
    if (p95(latest) > LIMIT_MS) verdicts.push(`/latest p95 ${p95(latest).toFixed(0)} ms`);
    if (p95(compare) > LIMIT_MS) verdicts.push(`/compare p95 ${p95(compare).toFixed(0)} ms`);
    if (rank.ms > LIMIT_MS) verdicts.push(`/rank ${rank.ms.toFixed(0)} ms`);
    if (slice.ms > LIMIT_MS) verdicts.push(`export slice ${slice.ms.toFixed(0)} ms`);
    console.log(`export of everything is a batch job (not a chat command); the ${LIMIT_MS} ms budget applies to the commands above.`);
    if (verdicts.length) console.log(`\nOVER BUDGET (${LIMIT_MS} ms per command): ${verdicts.join("; ")}.`);
    else console.log(`\nAll chat commands within ${LIMIT_MS} ms at ${count} reports.`);
    console.log(
      "Lookups match on the store's in-memory report heads (listReportHeads) and copy only the hits (getReports).\n" +
        `What the embedded lowdb store still cannot do: start fast or stay small — open() parses all of reports.json (${opened.ms.toFixed(0)} ms, ${mb(size)}) and keeps every report in memory (RSS ${mb(after.rss)} after open), and a report write rewrites the whole file.\n` +
        "Proposal: a better-sqlite3 driver behind the same Store interface (one row per report: id, portalId, agencyKey, year, publishedAt + the report JSON; heads are a SELECT of the small columns), indexes on (agencyKey, year) and (portalId, year); passes test/store/contract.ts like lowdb. node:sqlite needs Node 22, so not on Node 20.",
    );
    await store.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
