/** Test support for test/history: corpus-derived StoredReports, portals and temp LowdbStores. */
import { tempStore as sharedTempStore } from "../support/temp.js";
import { readFileSync } from "node:fs";
import { Report } from "../../src/report/schema.js";
import type { PortalEntry, StoredReport } from "../../src/store/types.js";

interface FixtureRow {
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

const fixture = JSON.parse(readFileSync(new URL("./fixtures/corpus-reports.json", import.meta.url), "utf8")) as { reports: FixtureRow[] };

/** Portals of the corpus agencies (ids are test scaffolding; regions are the corpus's). */
export const PORTALS: PortalEntry[] = [
  { id: "pingtan", name: "平潭综合实验区", url: "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/", region: "福建 平潭", level: "government" },
  { id: "hongze", name: "淮安市洪泽区人民政府", url: "http://hongze.invalid/", region: "江苏 淮安 洪泽", level: "government" },
  { id: "suqian", name: "宿迁市人民政府", url: "http://suqian.invalid/", region: "江苏 宿迁", level: "government" },
  { id: "shuyang-fgj", name: "沭阳县发展和改革局", url: "http://www.shuyang.gov.cn/sygfj/gknb/", region: "江苏 宿迁 沭阳", level: "department" },
];

/** The corpus reports as StoredReports (validated by the Report schema, no findings yet). */
export function corpusReports(): StoredReport[] {
  return fixture.reports.map((f) => {
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

/** One corpus report by fixture id (throws if absent: a broken fixture should fail loudly). */
export function corpus(id: string): StoredReport {
  const r = corpusReports().find((x) => x.id === id);
  if (!r) throw new Error(`fixture ${id} missing`);
  return r;
}

/** A fresh LowdbStore in a temp dir; `cleanup` closes and removes it. */
export const tempStore = () => sharedTempStore("history");

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
