/**
 * Shape renderers for the shape harness (scripts/shape-harness.ts, test/report/shapes.test.ts):
 * one report's table values (2021 layout) rendered the way portals and converters print them —
 * HTML table, markdown pipe table, PDF→markdown with the labels floating before the rows, one
 * cell per line, tab-separated, squashed digits, Traditional characters. The values come from a
 * hand-checked golden expected.json, never from parser output.
 */
import * as OpenCC from "opencc-js";

/** What a rendering needs (a golden's expected values, 2021 layout, null = blank). */
export interface ShapeReport {
  agency: string;
  year: number;
  activeDisclosure: {
    regulations: { made: number | null; repealed: number | null; valid: number | null };
    normativeDocuments: { made: number | null; repealed: number | null; valid: number | null };
    licensing: number | null;
    punishment: number | null;
    coercion: number | null;
    fees: number | null;
  };
  requests: Record<string, (number | null)[]>;
  reviewLitigation: { review: (number | null)[]; litigationDirect: (number | null)[]; litigationAfterReview: (number | null)[] };
}

/** 表三 rows in print order: label, key (2021 layout, （六） as three rows). */
export const T3: [string, string][] = [
  ["一、本年新收政府信息公开申请数量", "newReceived"],
  ["二、上年结转政府信息公开申请数量", "carriedOver"],
  ["三、本年度办理结果 （一）予以公开", "granted"],
  ["（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partial"],
  ["（三）不予公开 1.属于国家秘密", "denied_stateSecret"],
  ["2.其他法律行政法规禁止公开", "denied_lawForbidden"],
  ["3.危及“三安全一稳定”", "denied_safetyStability"],
  ["4.保护第三方合法权益", "denied_thirdParty"],
  ["5.属于三类内部事务信息", "denied_internal"],
  ["6.属于四类过程性信息", "denied_process"],
  ["7.属于行政执法案卷", "denied_enforcement"],
  ["8.属于行政查询事项", "denied_query"],
  ["（四）无法提供 1.本机关不掌握相关政府信息", "unable_noInfo"],
  ["2.没有现成信息需要另行制作", "unable_needCreation"],
  ["3.补正后申请内容仍不明确", "unable_unclear"],
  ["（五）不予处理 1.信访举报投诉类申请", "notProcessed_complaint"],
  ["2.重复申请", "notProcessed_repeat"],
  ["3.要求提供公开出版物", "notProcessed_publication"],
  ["4.无正当理由大量反复申请", "notProcessed_massive"],
  ["5.要求行政机关确认或重新出具已获取信息", "notProcessed_confirm"],
  ["（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other_overdueCorrection"],
  ["2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "other_overdueFee"],
  ["3.其他", "other_other"],
  ["（七）总计", "total"],
  ["四、结转下年度继续办理", "carriedForward"],
];

/** The shapes the harness renders. */
export const SHAPES = ["html", "markdown", "pdf-markdown-floating", "line-per-cell", "tabs", "squashed", "traditional"] as const;
export type Shape = (typeof SHAPES)[number];

const cellText = (v: number | null): string => (v === null ? "" : String(v));

interface Row {
  label: string;
  cells: (number | null)[];
}

function rows(r: ShapeReport): { t2: Row[]; t3: Row[]; t4: (number | null)[] } {
  const a = r.activeDisclosure;
  const t2: Row[] = [
    { label: "规章", cells: [a.regulations.made, a.regulations.repealed, a.regulations.valid] },
    { label: "行政规范性文件", cells: [a.normativeDocuments.made, a.normativeDocuments.repealed, a.normativeDocuments.valid] },
    { label: "行政许可", cells: [a.licensing] },
    { label: "行政处罚", cells: [a.punishment] },
    { label: "行政强制", cells: [a.coercion] },
    { label: "行政事业性收费", cells: [a.fees] },
  ];
  const t3: Row[] = T3.filter(([, k]) => r.requests[k]).map(([label, k]) => ({ label, cells: r.requests[k] as (number | null)[] }));
  const rl = r.reviewLitigation;
  return { t2, t3, t4: [...rl.review, ...rl.litigationDirect, ...rl.litigationAfterReview] };
}

const T2_HEAD: Record<string, string> = {
  规章: "第二十条第（一）项\n信息内容 本年制发件数 本年废止件数 现行有效件数",
  行政许可: "第二十条第（五）项\n信息内容 本年处理决定数量",
  行政处罚: "第二十条第（六）项\n信息内容 本年处理决定数量",
  行政事业性收费: "第二十条第（八）项\n信息内容 本年收费金额（单位：万元）",
};
const T3_HEAD = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\n申请人情况 自然人 法人或其他组织 总计 商业企业 科研机构 社会公益组织 法律服务机构 其他";
const T4_HEAD = "行政复议 行政诉讼\n结果维持 结果纠正 其他结果 尚未审结 总计 未经复议直接起诉 复议后起诉\n结果维持 结果纠正 其他结果 尚未审结 总计 结果维持 结果纠正 其他结果 尚未审结 总计";

function doc(r: ShapeReport, t2: string, t3: string, t4: string): string {
  return [
    `${r.agency}${r.year}年政府信息公开工作年度报告`,
    `本报告所列数据统计期限为${r.year}年1月1日至${r.year}年12月31日。`,
    "一、总体情况",
    "本机关依法做好政府信息公开工作。",
    "二、主动公开政府信息情况",
    t2,
    "三、收到和处理政府信息公开申请情况",
    t3,
    "四、政府信息公开行政复议、行政诉讼情况",
    t4,
    "五、存在的主要问题及改进情况",
    "工作仍有不足。",
    "六、其他需要报告的事项",
    "无。",
  ].join("\n");
}

function lines(rs: Row[], head: Record<string, string> | string, fmt: (r: Row) => string): string {
  const out: string[] = typeof head === "string" ? [head] : [];
  for (const r of rs) {
    if (typeof head !== "string" && head[r.label]) out.push(head[r.label] as string);
    out.push(fmt(r));
  }
  return out.join("\n");
}

let t2s: ((s: string) => string) | null = null;

/** Render one report in one shape. */
export function render(r: ShapeReport, shape: Shape): { text: string; ext: "html" | "txt" } {
  const { t2, t3, t4 } = rows(r);
  switch (shape) {
    case "html": {
      const tr = (cells: string[]): string => `<tr>${cells.map((c) => `<td>${c}</td>`).join("")}</tr>`;
      const table = (rs: Row[]): string => `<table>${rs.map((x) => tr([x.label, ...x.cells.map(cellText)])).join("")}</table>`;
      const body = doc(r, `<p>第二十条第（一）项 信息内容 本年制发件数</p>${table(t2)}`, `<p>${T3_HEAD}</p>${table(t3)}`, `<p>${T4_HEAD}</p><table>${tr(t4.map(cellText))}</table>`)
        .split("\n")
        .map((l) => (l.startsWith("<") ? l : `<p>${l}</p>`))
        .join("\n");
      return { text: `<html><head><title>${r.agency}${r.year}年政府信息公开工作年度报告</title></head><body>${body}</body></html>`, ext: "html" };
    }
    case "markdown":
    case "traditional": {
      const pipe = (x: Row): string => `| ${x.label} | ${x.cells.map(cellText).join(" | ")} |`;
      const text = doc(r, lines(t2, T2_HEAD, pipe), lines(t3, T3_HEAD, pipe), `${T4_HEAD}\n| ${t4.map(cellText).join(" | ")} |`);
      if (shape === "markdown") return { text, ext: "txt" };
      t2s ??= OpenCC.Converter({ from: "cn", to: "tw" }) as (s: string) => string;
      return { text: t2s(text), ext: "txt" };
    }
    case "pdf-markdown-floating": {
      // The converter kept the labels as loose lines and the numbers as label-less pipe rows,
      // with a page mark inside the table.
      const labels = t3.map((x) => x.label).join("\n");
      const body = t3.map((x, i) => `${i === 12 ? "— 5 —\n" : ""}| ${x.cells.map(cellText).join(" | ")} |`).join("\n");
      const pipe = (x: Row): string => `| ${x.label} | ${x.cells.map(cellText).join(" | ")} |`;
      return { text: doc(r, lines(t2, T2_HEAD, pipe), `${T3_HEAD}\n${labels}\n${body}`, `${T4_HEAD}\n| ${t4.map(cellText).join(" | ")} |`), ext: "txt" };
    }
    case "line-per-cell": {
      const per = (x: Row): string => [x.label, ...x.cells.map((v) => (v === null ? "/" : String(v)))].join("\n");
      return { text: doc(r, lines(t2, T2_HEAD, per), lines(t3, T3_HEAD, per), `${T4_HEAD}\n${t4.map((v) => (v === null ? "/" : String(v))).join("\n")}`), ext: "txt" };
    }
    case "tabs": {
      const tab = (x: Row): string => [x.label, ...x.cells.map((v) => (v === null ? "/" : String(v)))].join("\t");
      return { text: doc(r, lines(t2, T2_HEAD, tab), lines(t3, T3_HEAD, tab), `${T4_HEAD}\n${t4.map((v) => (v === null ? "/" : String(v))).join("\t")}`), ext: "txt" };
    }
    case "squashed": {
      // Archiver text: cells glued with no separator, all on one line (blank cells vanish).
      const sq = (x: Row): string => `${x.label}${x.cells.map(cellText).join("")}`;
      const flat = (s: string): string => s.replace(/\n/g, "");
      return { text: flat(doc(r, lines(t2, T2_HEAD, sq), lines(t3, T3_HEAD, sq), `${T4_HEAD}${t4.map(cellText).join("")}`)), ext: "txt" };
    }
  }
}
