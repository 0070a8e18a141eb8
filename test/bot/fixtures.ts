/**
 * Stored reports built from the hand-checked values of real reports (corpus expected.json,
 * copied into fixtures/), plus the portals they come from. Findings: the real anomalies recorded
 * for 洪泽区 2023 and 平潭 2022, worded as the rules word them.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ActiveDisclosure, Finding, Report, Requests } from "../../src/report/schema.js";
import type { PortalEntry, StoredReport } from "../../src/store/types.js";

interface ExpectedEntry {
  file: string;
  original_url: string | null;
  agency: string;
  region: string | null;
  year: number;
  format: string;
  table2: Record<string, unknown>;
  table3: Record<string, (number | null)[]> | null;
  table4: (number | null)[] | null;
  anomalies: string[];
}

const data = JSON.parse(readFileSync(fileURLToPath(new URL("./fixtures/corpus-expected.json", import.meta.url)), "utf8")) as {
  reports: ExpectedEntry[];
};

/** The portals of the fixture reports. */
export const PORTALS: PortalEntry[] = [
  { id: "shuyang-fgj", name: "沭阳县发展和改革局", url: "http://www.shuyang.gov.cn/sygfj/gknb/", region: "江苏 宿迁 沭阳", level: "department" },
  { id: "pingtan", name: "平潭综合实验区", url: "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/", region: "福建 平潭", level: "government" },
  { id: "hongze", name: "淮安市洪泽区人民政府", url: "http://www.hongze.gov.cn/nb/", region: "江苏 淮安 洪泽", level: "government" },
];

const PORTAL_OF: Record<string, string> = { reports: "pingtan", pdf: "hongze" };

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

function toReport(e: ExpectedEntry): Report {
  const layout = e.format.startsWith("2019") ? "2019" : "2021";
  const t4 = e.table4;
  return {
    source: e.file,
    title: `${e.agency}${e.year}年政府信息公开工作年度报告`,
    agency: e.agency,
    year: e.year,
    layout,
    activeDisclosure: (layout === "2019" ? { ...e.table2, format: "2019" } : e.table2) as ActiveDisclosure,
    requests: e.table3 as Requests | null,
    reviewLitigation: t4 ? { review: t4.slice(0, 5), litigationDirect: t4.slice(5, 10), litigationAfterReview: t4.slice(10, 15) } : null,
    findings: FINDINGS[e.file] ?? [],
  };
}

/** All fixture reports as StoredReports. */
export function fixtureReports(): StoredReport[] {
  return data.reports.map((e, i) => {
    const portalId = e.file === "reports/001.html" ? "shuyang-fgj" : (PORTAL_OF[e.file.split("/")[0] ?? ""] ?? "pingtan");
    const url = e.original_url ?? `http://www.hongze.gov.cn/nb/${e.year}.html`;
    return {
      id: `fx${i}`,
      url,
      portalId,
      contentHash: `${"0".repeat(60)}${String(i).padStart(4, "0")}`,
      rawType: e.file.endsWith(".pdf") ? "pdf" : e.file.endsWith(".html") ? "html" : "text",
      fetchedAt: `2025-0${(i % 9) + 1}-01T00:00:00.000Z`,
      publishedAt: null,
      report: toReport(e),
    };
  });
}

/** The fixture entry's raw table-三 values (for assertions that name real numbers). */
export function expectedOf(file: string): ExpectedEntry {
  const e = data.reports.find((x) => x.file === file);
  if (!e) throw new Error(`no fixture ${file}`);
  return e;
}
