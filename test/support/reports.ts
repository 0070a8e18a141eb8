/**
 * The one report builder of the tests (test/report keeps its own parser fixtures).
 *
 * Real values: fixtures/corpus-expected.json is a copy of ../shared/corpus/expected.json (the
 * hand-checked figures of real reports; tests never read ../shared at run time) and
 * fixtures/suqian-records.json holds 宿迁市 2023/2024 from the corpus's records.json. From them:
 * - `fixtureReports()` — six real reports (沭阳县发改局 2023, 平潭 2019/2022/2024, 洪泽区
 *   2023/2024) with the real anomalies of 洪泽区 2023 and 平潭 2022 as findings (bot, replies);
 * - `corpusReports()` / `corpus(id)` — the same six plus 宿迁市 2023/2024, schema-validated, no
 *   findings, named by readable ids (agency, history, export);
 * - `corpusEntries()` + `reportFromEntry()` — the 2021-layout entries with tables 三 and 四, for
 *   tests that pick their own entries and findings (alerts, delivery).
 * Constructed: `sampleReport` / `sampleStored` (the store contract's minimal valid report),
 * `constructed` (chosen 表三 totals), `stored` (a StoredReport around any Report), `finding`,
 * and `bigReport` / `evilReport` (many findings; HTML in names) for the bot.
 */
import { readFileSync } from "node:fs";
import { Report } from "../../src/report/schema.js";
import type { ActiveDisclosure, Finding, Requests } from "../../src/report/schema.js";
import type { PortalEntry, StoredReport } from "../../src/store/types.js";

/** One entry of corpus-expected.json (hand-checked values of one real report). */
export interface ExpectedEntry {
  file: string;
  original_url?: string | null;
  agency: string;
  region?: string | null;
  year: number;
  format: string;
  table2: Record<string, unknown> | null;
  table3: Record<string, (number | null)[]> | null;
  table4: (number | null)[] | null;
  anomalies?: string[];
}

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const EXPECTED = JSON.parse(fixture("corpus-expected.json")) as ExpectedEntry[];

/** The hand-checked entry of one corpus file (e.g. "reports/001.html"); throws if absent. */
export function expectedOf(file: string): ExpectedEntry {
  const e = EXPECTED.find((x) => x.file === file);
  if (!e) throw new Error(`no fixture ${file}`);
  return e;
}

/** The corpus entries of the 2021 layout with tables 三 and 四 (all 15 cells). */
export function corpusEntries(): ExpectedEntry[] {
  return EXPECTED.filter((e) => e.format.startsWith("2021") && e.table3 && Array.isArray(e.table4) && e.table4.length === 15);
}

/** A Report from a corpus entry; the layout follows the entry's format, findings are supplied. */
export function reportFromEntry(e: ExpectedEntry, findings: Finding[] = [], overrides: Partial<Report> = {}): Report {
  const layout = e.format.startsWith("2019") ? "2019" : "2021";
  const t4 = e.table4;
  return {
    source: e.file,
    title: `${e.agency}${e.year}年政府信息公开工作年度报告`,
    agency: e.agency,
    year: e.year,
    layout,
    activeDisclosure: (e.table2 && layout === "2019" ? { ...e.table2, format: "2019" } : e.table2) as ActiveDisclosure | null,
    requests: e.table3 as Requests | null,
    reviewLitigation: t4 ? { review: t4.slice(0, 5), litigationDirect: t4.slice(5, 10), litigationAfterReview: t4.slice(10, 15) } : null,
    findings,
    ...overrides,
  };
}

/**
 * The portals of the corpus reports (ids are test scaffolding, regions the corpus's). The bot
 * tests use the first three (`portalsOf(fixtureReports())`).
 */
export const PORTALS: PortalEntry[] = [
  { id: "pingtan", name: "平潭综合实验区", url: "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/", region: "福建 平潭", level: "government" },
  { id: "hongze", name: "淮安市洪泽区人民政府", url: "http://www.hongze.gov.cn/nb/", region: "江苏 淮安 洪泽", level: "government" },
  { id: "suqian", name: "宿迁市人民政府", url: "http://suqian.invalid/", region: "江苏 宿迁", level: "government" },
  { id: "shuyang-fgj", name: "沭阳县发展和改革局", url: "http://www.shuyang.gov.cn/sygfj/gknb/", region: "江苏 宿迁 沭阳", level: "department" },
];

/** The portals some reports come from, in order of first appearance. */
export function portalsOf(reports: readonly StoredReport[]): PortalEntry[] {
  const ids = [...new Set(reports.map((r) => r.portalId))];
  return ids.flatMap((id) => PORTALS.filter((p) => p.id === id));
}

/** The six real reports of the bot tests: file, portal. */
const SIX: { file: string; portalId: string }[] = [
  { file: "reports/001.html", portalId: "shuyang-fgj" },
  { file: "reports/002.txt", portalId: "pingtan" },
  { file: "reports/003.txt", portalId: "pingtan" },
  { file: "reports/004.txt", portalId: "pingtan" },
  { file: "pdf/hongze-2023.pdf", portalId: "hongze" },
  { file: "pdf/hongze-2024.pdf", portalId: "hongze" },
];

/** Findings for the real anomalies of the corpus (as rule output would phrase them). */
const FINDINGS: Record<string, Finding[]> = {
  "pdf/hongze-2023.pdf": [
    { rule: "narrative.newReceived", severity: "warning", message: "正文称“收到申请 17 件”，表三 一、本年新收 总计为 95（口径可能不同）" },
    { rule: "t4.blockSum", severity: "error", message: "表四 行政复议：结果维持 10 + 结果纠正 1 + 其他结果 0 + 尚未审结 0 = 11，但总计为 0", messageEn: "Table 4 review: 10 + 1 + 0 + 0 = 11 but total is 0" },
    { rule: "t4.blockSum", severity: "error", message: "表四 行政诉讼（复议后起诉）：5 + 0 + 0 + 0 = 5，但总计为 0", messageEn: "Table 4 litigation after review: 5 + 0 + 0 + 0 = 5 but total is 0" },
  ],
  "reports/003.txt": [
    { rule: "narrative.newReceived", severity: "warning", message: "正文称“收到政府信息公开申请75件”，表三 一、本年新收 总计为 74" },
  ],
};

/** The six real reports as StoredReports (ids fx0–fx5), with their real anomalies as findings. */
export function fixtureReports(): StoredReport[] {
  return SIX.map(({ file, portalId }, i) => {
    const e = expectedOf(file);
    return {
      id: `fx${i}`,
      url: e.original_url ?? `http://www.hongze.gov.cn/nb/${e.year}.html`,
      portalId,
      contentHash: `${"0".repeat(60)}${String(i).padStart(4, "0")}`,
      rawType: file.endsWith(".pdf") ? "pdf" : file.endsWith(".html") ? "html" : "text",
      fetchedAt: `2025-0${(i % 9) + 1}-01T00:00:00.000Z`,
      publishedAt: null,
      report: reportFromEntry(e, FINDINGS[file] ?? []),
    };
  });
}

/** Scaffolding of the readable-id corpus reports (titles and dates as the portals show them). */
const CORPUS_IDS: { id: string; file: string; portalId: string; title: string | null; publishedAt: string | null; url?: string }[] = [
  { id: "shuyang-fgj-2023", file: "reports/001.html", portalId: "shuyang-fgj", title: "沭阳县发展和改革局2023年政府信息公开年度报告-沭阳县发改局", publishedAt: null },
  { id: "pingtan-2019", file: "reports/002.txt", portalId: "pingtan", title: "平潭综合实验区2019年度政府信息公开工作年度报告", publishedAt: "2020-01-20" },
  { id: "pingtan-2022", file: "reports/003.txt", portalId: "pingtan", title: "平潭综合实验区2022年度政府信息公开工作年度报告", publishedAt: "2023-02-20" },
  { id: "pingtan-2024", file: "reports/004.txt", portalId: "pingtan", title: "平潭综合实验区2024年度政府信息公开工作年度报告", publishedAt: "2025-03-10" },
  { id: "hongze-2023", file: "pdf/hongze-2023.pdf", portalId: "hongze", title: null, publishedAt: null, url: "https://example.invalid/hongze-2023" },
  { id: "hongze-2024", file: "pdf/hongze-2024.pdf", portalId: "hongze", title: null, publishedAt: null, url: "https://example.invalid/hongze-2024" },
];

interface RecordRow {
  id: string;
  portalId: string;
  title: string | null;
  publishedAt: string | null;
  layout: "2021" | "2019";
  source: string;
  url: string;
  agency: string;
  year: number;
  activeDisclosure: unknown;
  requests: unknown;
  reviewLitigation: unknown;
}

const SUQIAN = (JSON.parse(fixture("suqian-records.json")) as { reports: RecordRow[] }).reports;

/** The corpus reports under readable ids, validated by the Report schema, no findings. */
export function corpusReports(): StoredReport[] {
  const rows: RecordRow[] = CORPUS_IDS.map((c) => {
    const e = expectedOf(c.file);
    const r = reportFromEntry(e);
    return {
      id: c.id,
      portalId: c.portalId,
      title: c.title,
      publishedAt: c.publishedAt,
      layout: r.layout === "2019" ? "2019" : "2021",
      source: `corpus/${c.file}`,
      url: c.url ?? e.original_url ?? "",
      agency: e.agency,
      year: e.year,
      activeDisclosure: e.table2,
      requests: r.requests,
      reviewLitigation: r.reviewLitigation,
    };
  });
  return [...rows, ...SUQIAN].map((f) => {
    const report = Report.parse({
      source: f.source,
      title: f.title,
      agency: f.agency,
      year: f.year,
      layout: f.layout,
      publishedAt: f.publishedAt,
      activeDisclosure: f.activeDisclosure,
      requests: f.requests,
      reviewLitigation: f.reviewLitigation,
      findings: [],
    });
    return {
      id: f.id,
      url: f.url,
      portalId: f.portalId,
      contentHash: "0".repeat(64),
      rawType: "text",
      fetchedAt: "2025-06-01T00:00:00.000Z",
      publishedAt: f.publishedAt,
      report,
    } satisfies StoredReport;
  });
}

/** One corpus report by readable id (throws if absent: a broken fixture should fail loudly). */
export function corpus(id: string): StoredReport {
  const r = corpusReports().find((x) => x.id === id);
  if (!r) throw new Error(`fixture ${id} missing`);
  return r;
}

// ---------------------------------------------------------------- constructed reports

/** A minimal valid parsed report. */
export function sampleReport(over: Partial<Report> = {}): Report {
  return {
    source: "http://127.0.0.1/a.html",
    title: "某县2023年政府信息公开工作年度报告",
    agency: "某县人民政府",
    year: 2023,
    layout: "2021",
    activeDisclosure: null,
    requests: { newReceived: [1, 0, 0, 0, 0, 0, 1] },
    reviewLitigation: null,
    findings: [],
    ...over,
  };
}

/** A StoredReport of `sampleReport()` with sensible defaults. */
export function sampleStored(id: string, over: Partial<StoredReport> = {}): StoredReport {
  return {
    id,
    url: `http://127.0.0.1/${id}.html`,
    portalId: "p1",
    contentHash: "a".repeat(64),
    rawType: "html",
    fetchedAt: "2024-02-01T00:00:00.000Z",
    publishedAt: "2024-01-20",
    report: sampleReport(),
    ...over,
  };
}

let seq = 0;
/** A StoredReport around any `report` (ids unique per test process). */
export function stored(report: Report, portalId: string, extra: Partial<StoredReport> = {}): StoredReport {
  const id = extra.id ?? `r${++seq}-${portalId}-${report.year}`;
  return {
    id,
    url: `http://127.0.0.1:9/${portalId}/${id}.html`,
    portalId,
    contentHash: "ab".repeat(32),
    rawType: "html",
    fetchedAt: "2026-02-01T00:00:00.000Z",
    publishedAt: null,
    report,
    ...extra,
  };
}

/** A finding (with an English message derived from the Chinese one). */
export function finding(severity: Finding["severity"], message: string, rule = "t3.balance"): Finding {
  return { rule, severity, message, messageEn: `EN ${message}` };
}

/** A constructed report (2021 layout) with the given 表三 totals; other cells 0. */
export function constructed(
  id: string,
  portalId: string,
  agency: string,
  year: number,
  t: { newReceived?: number; handled?: number; granted?: number; noInfo?: number; carriedOver?: number; carriedForward?: number; reviewTotal?: number; reviewCorrected?: number },
): StoredReport {
  const row = (v: number): (number | null)[] => [v, 0, 0, 0, 0, 0, v];
  const handled = t.handled ?? t.newReceived ?? 0;
  const granted = t.granted ?? Math.max(0, handled - (t.noInfo ?? 0));
  const rt = t.reviewTotal ?? 0;
  const rc = t.reviewCorrected ?? 0;
  return {
    id,
    url: `http://${portalId}.invalid/${id}`,
    portalId,
    contentHash: "1".repeat(64),
    rawType: "html",
    fetchedAt: `${year + 1}-02-01T00:00:00.000Z`,
    publishedAt: `${year + 1}-01-20`,
    report: {
      source: `http://${portalId}.invalid/${id}`,
      title: `${agency}${year}年政府信息公开工作年度报告`,
      agency,
      year,
      layout: "2021",
      activeDisclosure: {
        regulations: { made: 0, repealed: 0, valid: 0 },
        normativeDocuments: { made: 1, repealed: 0, valid: 10 },
        licensing: 100,
        punishment: 10,
        coercion: 0,
        fees: 1.5,
      },
      requests: {
        newReceived: row(t.newReceived ?? handled),
        carriedOver: row(t.carriedOver ?? 0),
        granted: row(granted),
        unable_noInfo: row(t.noInfo ?? 0),
        total: row(handled),
        carriedForward: row(t.carriedForward ?? 0),
      },
      reviewLitigation: { review: [rt - rc, rc, 0, 0, rt], litigationDirect: [0, 0, 0, 0, 0], litigationAfterReview: [0, 0, 0, 0, 0] },
      findings: [],
    },
  };
}

/** `base` with HTML in its agency name, title, URL and findings, as a hostile or broken portal might serve. */
export function evilReport(base: StoredReport): StoredReport {
  return {
    ...base,
    id: "evil",
    url: 'http://example.gov.cn/e.html?a=1&b="2"',
    report: {
      ...base.report,
      agency: "<script>恶意局</script>&amp;",
      title: "<i>标题",
      findings: [{ rule: "x", severity: "error", message: "表三 <总计> & 合计不符" }],
    },
  };
}

/** `base` as 测试拆分局 with 150 findings, to force a long reply over several messages. */
export function bigReport(base: StoredReport): StoredReport {
  const findings: Finding[] = Array.from({ length: 150 }, (_, i) => ({
    rule: "test.many",
    severity: i % 4 === 0 ? "error" : "warning",
    message: `第 ${i + 1} 条：正文称“收到政府信息公开申请 ${i} 件”，表三 一、本年新收 总计为 ${i + 1} 件（口径可能不同）`,
  }));
  return { ...base, id: "big", url: "http://example.gov.cn/big.html", report: { ...base.report, agency: "测试拆分局", title: "测试拆分局2023年政府信息公开工作年度报告", findings } };
}
