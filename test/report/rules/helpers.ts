/** Builders and fixture loaders for the rule tests. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { REQUEST_ROW_KEYS } from "../../../src/report/schema.js";
import type { Finding, Report, RequestRowKey, Requests } from "../../../src/report/schema.js";

const here = path.dirname(fileURLToPath(import.meta.url));

/** One entry of fixtures/corpus.json (built from the shared corpus by build-fixtures.ts). */
export interface CorpusEntry {
  name: string;
  anomalies: string[];
  report: Report;
}

/** The corpus fixtures with their texts. */
export function loadCorpus(): (CorpusEntry & { text: string })[] {
  const entries = JSON.parse(readFileSync(path.join(here, "fixtures/corpus.json"), "utf8")) as CorpusEntry[];
  return entries.map((e) => ({ ...e, text: readFileSync(path.join(here, "fixtures/texts", `${e.name}.txt`), "utf8") }));
}

/** A corpus entry by name. */
export function corpusEntry(name: string): CorpusEntry & { text: string } {
  const e = loadCorpus().find((x) => x.name === name);
  if (!e) throw new Error(`no corpus fixture ${name}`);
  return e;
}

/** Real figures of records.json as Reports (宿迁市 2023/2024, 洪泽区 2023/2024, 金湖县 2023, …). */
export function loadRecords(): Report[] {
  const rs = JSON.parse(readFileSync(path.join(here, "fixtures/records.json"), "utf8")) as { report: Report }[];
  return rs.map((r) => r.report);
}

/** The record of an agency (by substring) and year. */
export function record(agency: string, year: number): Report {
  const r = loadRecords().find((x) => (x.agency ?? "").includes(agency) && x.year === year);
  if (!r) throw new Error(`no record ${agency} ${year}`);
  return structuredClone(r);
}

const RESULT_KEYS: RequestRowKey[] = REQUEST_ROW_KEYS.filter(
  (k) => !["newReceived", "carriedOver", "total", "carriedForward", "otherHandling"].includes(k),
);

/**
 * A consistent 2021-layout 表三: natural persons get `perPerson` of each result row, commercial
 * enterprises `perCompany`; totals follow, so every identity holds.
 */
export function consistentRequests(opts: { granted?: number; noInfo?: number; company?: number; carriedOver?: number; carriedForward?: number } = {}): Requests {
  const granted = opts.granted ?? 10;
  const noInfo = opts.noInfo ?? 4;
  const company = opts.company ?? 1;
  const co = opts.carriedOver ?? 1;
  const cf = opts.carriedForward ?? 2;
  const req: Requests = {};
  const row = (p: number, c: number): (number | null)[] => [p, c, 0, 0, 0, 0, p + c];
  for (const k of RESULT_KEYS) req[k] = row(0, 0);
  req.granted = row(granted, company);
  req.unable_noInfo = row(noInfo, 0);
  const handledP = granted + noInfo;
  const handledC = company;
  req.total = row(handledP, handledC);
  req.carriedOver = row(co, 0);
  req.carriedForward = row(cf, 0);
  // 一 = (七) + 四 − 二
  req.newReceived = row(handledP + cf - co, handledC);
  return req;
}

/** A complete, consistent 2021-layout report with no findings expected from the tables. */
export function cleanReport(overrides: Partial<Report> = {}): Report {
  return {
    source: "test",
    title: "某某县人民政府2023年政府信息公开工作年度报告",
    agency: "某某县人民政府",
    year: 2023,
    layout: "2021",
    activeDisclosure: {
      format: "2021",
      regulations: { made: 0, repealed: 0, valid: 0 },
      normativeDocuments: { made: 5, repealed: 1, valid: 40 },
      licensing: 1200,
      punishment: 300,
      coercion: 12,
      fees: 88.5,
    },
    requests: consistentRequests(),
    reviewLitigation: {
      review: [2, 1, 0, 0, 3],
      litigationDirect: [1, 0, 0, 1, 2],
      litigationAfterReview: [0, 0, 0, 0, 0],
    },
    findings: [],
    ...overrides,
  };
}

/** A narrative with all six headings that states nothing the tables could contradict. */
export function cleanText(extra = ""): string {
  return [
    "某某县人民政府2023年政府信息公开工作年度报告",
    "本报告所列数据统计期限为2023年1月1日至2023年12月31日。",
    "一、总体情况",
    `全年主动公开政府信息1234条。${extra}`,
    "二、主动公开政府信息情况",
    "第二十条第（一）项 规章 0 0 0 行政规范性文件 5 1 40 第二十条第（五）项 行政许可 1200 第二十条第（六）项 行政处罚 300 行政强制 12 第二十条第（八）项 行政事业性收费 88.5",
    "三、收到和处理政府信息公开申请情况",
    "（表格略）",
    "四、政府信息公开行政复议、行政诉讼情况",
    "（表格略）",
    "五、存在的主要问题及改进情况",
    "工作仍有不足。",
    "六、其他需要报告的事项",
    "无。",
  ].join("\n");
}

/** Findings of a rule (prefix match on the id). */
export function byRule(fs: Finding[], rule: string): Finding[] {
  return fs.filter((f) => f.rule === rule || f.rule.startsWith(`${rule}.`));
}

/** Error findings. */
export function errors(fs: Finding[]): Finding[] {
  return fs.filter((f) => f.severity === "error");
}
