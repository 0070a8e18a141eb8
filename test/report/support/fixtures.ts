/**
 * Builders for constructed test documents (shapes the corpus lacks): a 2021-layout report as
 * Word-like HTML, markdown pipe tables, a 2019-layout HTML page, a pre-2019 free-form report, and
 * a real .docx (WordprocessingML parts zipped by a tiny stored-zip writer). The numbers come from
 * the data objects below, so tests compare the parse against the data they were rendered from.
 */
import { crc32 } from "node:zlib";
import { REQUEST_ROWS, type RequestRowKey } from "../../../src/report/schema.js";

/** A consistent 2021-layout report (sums hold). `null` = blank cell. */
export const SAMPLE_2021 = {
  agency: "示例市生态环境局",
  year: 2023,
  t2: { regulations: [0, 0, 2], normativeDocuments: [5, 1, 37], licensing: 1204, punishment: 86, coercion: null as number | null, fees: 12.5 },
  t3: Object.fromEntries(
    (Object.keys(REQUEST_ROWS) as RequestRowKey[])
      .filter((k) => k !== "otherHandling")
      .map((k) => [k, [0, 0, 0, 0, 0, 0, 0]]),
  ) as Record<RequestRowKey, (number | null)[]>,
  t4: [3, 1, 0, 1, 5, 2, 0, 1, 0, 3, 0, 0, 0, 1, 1],
};
// 新收 40 (自然人 31, 商业企业 7, 法律服务机构 2), 上年结转 2; 办结 39; 结转 3.
Object.assign(SAMPLE_2021.t3, {
  newReceived: [31, 7, 0, 0, 2, 0, 40],
  carriedOver: [2, 0, 0, 0, 0, 0, 2],
  granted: [18, 4, 0, 0, 1, 0, 23],
  partial: [3, 1, 0, 0, 0, 0, 4],
  denied_thirdParty: [1, 0, 0, 0, 0, 0, 1],
  unable_noInfo: [7, 1, 0, 0, 1, 0, 9],
  notProcessed_repeat: [1, 0, 0, 0, 0, 0, 1],
  other_other: [1, 0, 0, 0, 0, 0, 1],
  total: [31, 6, 0, 0, 2, 0, 39],
  carriedForward: [2, 1, 0, 0, 0, 0, 3],
});

const cellOf = (v: number | null): string => (v === null ? "" : String(v));

/** 表三 rows as [group label or "", row label, key] in print order (2021 layout). */
export const T3_PRINT: [string, string, RequestRowKey][] = [
  ["", "一、本年新收政府信息公开申请数量", "newReceived"],
  ["", "二、上年结转政府信息公开申请数量", "carriedOver"],
  ["", "（一）予以公开", "granted"],
  ["", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partial"],
  ["（三）不予公开", "1.属于国家秘密", "denied_stateSecret"],
  ["", "2.其他法律行政法规禁止公开", "denied_lawForbidden"],
  ["", "3.危及“三安全一稳定”", "denied_safetyStability"],
  ["", "4.保护第三方合法权益", "denied_thirdParty"],
  ["", "5.属于三类内部事务信息", "denied_internal"],
  ["", "6.属于四类过程性信息", "denied_process"],
  ["", "7.属于行政执法案卷", "denied_enforcement"],
  ["", "8.属于行政查询事项", "denied_query"],
  ["（四）无法提供", "1.本机关不掌握相关政府信息", "unable_noInfo"],
  ["", "2.没有现成信息需要另行制作", "unable_needCreation"],
  ["", "3.补正后申请内容仍不明确", "unable_unclear"],
  ["（五）不予处理", "1.信访举报投诉类申请", "notProcessed_complaint"],
  ["", "2.重复申请", "notProcessed_repeat"],
  ["", "3.要求提供公开出版物", "notProcessed_publication"],
  ["", "4.无正当理由大量反复申请", "notProcessed_massive"],
  ["", "5.要求行政机关确认或重新出具已获取信息", "notProcessed_confirm"],
  ["（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other_overdueCorrection"],
  ["", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "other_overdueFee"],
  ["", "3.其他", "other_other"],
  ["", "（七）总计", "total"],
  ["", "四、结转下年度继续办理", "carriedForward"],
];

type Sample = typeof SAMPLE_2021;

/** Word-like HTML: rowspan/colspan headers, numbers split across <span>s, blanks for null. */
export function renderHtml2021(d: Sample, opts: { metaCharset?: string; title?: string } = {}): string {
  const title = opts.title ?? `${d.agency}${d.year}年政府信息公开工作年度报告`;
  const num = (v: number | null): string => {
    const s = cellOf(v);
    // Split multi-digit numbers over two spans, as Word exports do ("20</span><span>23").
    return s.length > 1 ? `<span>${s.slice(0, 1)}</span><span>${s.slice(1)}</span>` : `<span>${s}</span>`;
  };
  const td = (v: number | null): string => `<td><p>${num(v)}</p></td>`;
  const t2 = `<table border="1">
<tr><td colspan="4">第二十条第（一）项</td></tr>
<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>
<tr><td>规章</td>${d.t2.regulations.map(td).join("")}</tr>
<tr><td>行政规范性文件</td>${d.t2.normativeDocuments.map(td).join("")}</tr>
<tr><td colspan="4">第二十条第（五）项</td></tr>
<tr><td>信息内容</td><td colspan="3">本年处理决定数量</td></tr>
<tr><td>行政许可</td><td colspan="3">${num(d.t2.licensing)}</td></tr>
<tr><td colspan="4">第二十条第（六）项</td></tr>
<tr><td>信息内容</td><td colspan="3">本年处理决定数量</td></tr>
<tr><td>行政处罚</td><td colspan="3">${num(d.t2.punishment)}</td></tr>
<tr><td>行政强制</td><td colspan="3">${num(d.t2.coercion)}</td></tr>
<tr><td colspan="4">第二十条第（八）项</td></tr>
<tr><td>信息内容</td><td colspan="3">本年收费金额（单位：万元）</td></tr>
<tr><td>行政事业性收费</td><td colspan="3">${num(d.t2.fees)}</td></tr>
</table>`;
  const rows = T3_PRINT.map(([group, label, key], i) => {
    const g = group ? `<td rowspan="${group.includes("三") ? 8 : group.includes("六") ? 3 : group.includes("四") ? 3 : 5}">${group}</td>` : "";
    const head = i === 2 ? `<td rowspan="22">三、本年度办理结果</td>` : "";
    const lab = i < 2 || i >= 24 ? `<td colspan="3">${label}</td>` : i < 4 || i === 23 ? `<td colspan="2">${label}</td>` : `<td>${label}</td>`;
    return `<tr>${head}${g}${lab}${(d.t3[key] ?? []).map(td).join("")}</tr>`;
  }).join("\n");
  const t3 = `<table border="1">
<tr><td colspan="3" rowspan="3">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td><td colspan="7">申请人情况</td></tr>
<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>
<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>
${rows}
</table>`;
  const t4 = `<table border="1">
<tr><td colspan="5" rowspan="2">行政复议</td><td colspan="10">行政诉讼</td></tr>
<tr><td colspan="5">未经复议直接起诉</td><td colspan="5">复议后起诉</td></tr>
<tr>${"<td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td>".repeat(3)}</tr>
<tr>${d.t4.map(td).join("")}</tr>
</table>`;
  const meta = opts.metaCharset ? `<meta http-equiv="Content-Type" content="text/html; charset=${opts.metaCharset}">` : "";
  return `<!DOCTYPE html><html><head>${meta}<title>${title}</title></head><body>
<h1>${title}</h1>
<p>本报告所列数据的统计期限自${d.year}年1月1日起至${d.year}年12月31日止。</p>
<p>一、总体情况</p><p>${d.year}年，本局收到政府信息公开申请${d.t3.newReceived[6]}件。</p>
<p>二、主动公开政府信息情况</p>${t2}
<p>三、收到和处理政府信息公开申请情况</p>${t3}
<p>四、政府信息公开行政复议、行政诉讼情况</p>${t4}
<p>五、存在的主要问题及改进情况</p><p>一是宣传不够。</p>
<p>六、其他需要报告的事项</p><p>本年度未收取信息处理费。</p>
</body></html>`;
}

/** Markdown pipe tables (as converters emit them), same content. */
export function renderMarkdown(d: Sample): string {
  const row = (cells: (string | number | null)[]): string => `| ${cells.map((c) => (c === null ? "" : String(c))).join(" | ")} |`;
  const sep = (n: number): string => `|${" --- |".repeat(n)}`;
  const lines = [
    `# ${d.agency}${d.year}年政府信息公开工作年度报告`,
    "",
    "## 一、总体情况",
    "",
    `${d.year}年，我局依法做好政府信息公开工作。`,
    "",
    "## 二、主动公开政府信息情况",
    "",
    row(["第二十条第（一）项", "", "", ""]),
    sep(4),
    row(["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]),
    row(["规章", ...d.t2.regulations]),
    row(["行政规范性文件", ...d.t2.normativeDocuments]),
    row(["第二十条第（五）项", "", "", ""]),
    row(["信息内容", "本年处理决定数量", "", ""]),
    row(["行政许可", d.t2.licensing, "", ""]),
    row(["第二十条第（六）项", "", "", ""]),
    row(["信息内容", "本年处理决定数量", "", ""]),
    row(["行政处罚", d.t2.punishment, "", ""]),
    row(["行政强制", d.t2.coercion === null ? "/" : d.t2.coercion, "", ""]),
    row(["第二十条第（八）项", "", "", ""]),
    row(["信息内容", "本年收费金额（单位：万元）", "", ""]),
    row(["行政事业性收费", d.t2.fees, "", ""]),
    "",
    "## 三、收到和处理政府信息公开申请情况",
    "",
    row(["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "", "", "申请人情况", "", "", "", "", "", ""]),
    sep(10),
    row(["", "", "", "自然人", "法人或其他组织", "", "", "", "", "总计"]),
    row(["", "", "", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""]),
    ...T3_PRINT.map(([g, l, k], i) => row([i === 2 ? "三、本年度办理结果" : "", g, l, ...(d.t3[k] ?? []).map((v) => (v === null ? "—" : v))])),
    "",
    "## 四、政府信息公开行政复议、行政诉讼情况",
    "",
    row(["行政复议", "", "", "", "", "行政诉讼", "", "", "", "", "", "", "", "", ""]),
    sep(15),
    row(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""]),
    row(d.t4),
    "",
    "## 五、存在的主要问题及改进情况",
    "",
    "无。",
    "",
    "## 六、其他需要报告的事项",
    "",
    "无。",
  ];
  return lines.join("\n");
}

/** A 2019-layout (国办公开办函〔2019〕60号) report as HTML, with (六) as one row. */
export const SAMPLE_2019 = {
  agency: "示例县人民政府",
  year: 2019,
  t2: {
    regulations: [0, 0, 0],
    normativeDocuments: [12, 12, 140],
    licensing: [310, -4, 2210],
    otherServices: [45, 3, 600],
    punishment: [88, 0, 1302],
    coercion: [10, 1, 25],
    fees: [6, -1],
    procurement: [37, 1520.75],
  },
  t4: [1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
};

/** 表三 rows of the 2019 layout; values: newReceived 9 = granted 6 + unable 2 + otherHandling 1. */
export const T3_2019: Partial<Record<RequestRowKey, number[]>> = {
  newReceived: [9, 0, 0, 0, 0, 0, 9],
  carriedOver: [0, 0, 0, 0, 0, 0, 0],
  granted: [6, 0, 0, 0, 0, 0, 6],
  unable_noInfo: [2, 0, 0, 0, 0, 0, 2],
  otherHandling: [1, 0, 0, 0, 0, 0, 1],
  total: [9, 0, 0, 0, 0, 0, 9],
  carriedForward: [0, 0, 0, 0, 0, 0, 0],
};

/** 2019-layout HTML page. */
export function renderHtml2019(d: typeof SAMPLE_2019): string {
  const tr = (label: string, vals: (number | null)[]): string => `<tr><td>${label}</td>${vals.map((v) => `<td>${cellOf(v)}</td>`).join("")}</tr>`;
  const zero = [0, 0, 0, 0, 0, 0, 0];
  const rows = T3_PRINT.filter(([, , k]) => !k.startsWith("other_")).flatMap(([g, l, k]) => {
    const r = [tr(`${g}${l}`, T3_2019[k] ?? zero)];
    if (k === "notProcessed_confirm") r.push(tr("（六）其他处理", T3_2019.otherHandling ?? zero));
    return r;
  });
  return `<html><head><meta charset="utf-8"><title>${d.agency}${d.year}年政府信息公开工作年度报告</title></head><body>
<div class="title">${d.agency}${d.year}年政府信息公开工作年度报告</div>
<p>发布时间：2020-03-18</p>
<p>一、总体情况</p><p>本报告统计期限自${d.year}年1月1日起至${d.year}年12月31日止。</p>
<p>二、主动公开政府信息情况</p>
<table>
<tr><td colspan="4">第二十条第（一）项</td></tr>
<tr><td>信息内容</td><td>本年新制作数量</td><td>本年新公开数量</td><td>对外公开总数量</td></tr>
${tr("规章", d.t2.regulations)}${tr("规范性文件", d.t2.normativeDocuments)}
<tr><td colspan="4">第二十条第（五）项</td></tr>
<tr><td>信息内容</td><td>上一年项目数量</td><td>本年增/减</td><td>处理决定数量</td></tr>
${tr("行政许可", d.t2.licensing)}${tr("其他对外管理服务事项", d.t2.otherServices)}
<tr><td colspan="4">第二十条第（六）项</td></tr>
<tr><td>信息内容</td><td>上一年项目数量</td><td>本年增/减</td><td>处理决定数量</td></tr>
${tr("行政处罚", d.t2.punishment)}${tr("行政强制", d.t2.coercion)}
<tr><td colspan="4">第二十条第（八）项</td></tr>
<tr><td>信息内容</td><td>上一年项目数量</td><td colspan="2">本年增/减</td></tr>
${tr("行政事业性收费", d.t2.fees)}
<tr><td colspan="4">第二十条第（九）项</td></tr>
<tr><td>信息内容</td><td>采购项目数量</td><td colspan="2">采购总金额</td></tr>
${tr("政府集中采购", d.t2.procurement)}
</table>
<p>三、收到和处理政府信息公开申请情况</p>
<table><tr><td>申请人情况</td><td>自然人</td><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td><td>总计</td></tr>
${rows}
</table>
<p>四、因政府信息公开申请提起行政复议、行政诉讼的情况</p>
<table><tr><td colspan="5">行政复议</td><td colspan="10">行政诉讼</td></tr>
<tr>${d.t4.map((v) => `<td>${v}</td>`).join("")}</tr></table>
<p>五、存在的主要问题及改进情况</p><p>无。</p><p>六、其他需要报告的事项</p><p>无。</p>
</body></html>`;
}

/** A 2015 report in the old free format (no standard tables). */
export const PRE_2019_TEXT = `示例区人民政府2015年政府信息公开工作年度报告

本报告根据《中华人民共和国政府信息公开条例》要求编制。报告中所列数据的统计期限自2015年1月1日起至2015年12月31日止。

一、概述
2015年，我区主动公开政府信息3120条。

二、主动公开政府信息情况
全年主动公开政府信息3120条，其中政策文件56条。

三、依申请公开政府信息情况
全年共受理政府信息公开申请41件，已全部答复。

四、政府信息公开的收费及减免情况
未收取任何费用。

五、因政府信息公开申请行政复议、提起行政诉讼的情况
发生行政复议1件。

六、存在的主要问题和改进措施
公开内容有待丰富。
`;

// ---------- DOCX ----------

function u16(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff];
}
function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

/** A minimal zip writer (stored entries, no compression): enough for WordprocessingML. */
export function zipStored(files: Record<string, string>): Uint8Array {
  const enc = new TextEncoder();
  const local: number[] = [];
  const central: number[] = [];
  let count = 0;
  for (const [name, content] of Object.entries(files)) {
    const nameB = [...enc.encode(name)];
    const data = enc.encode(content);
    const crc = crc32(data) >>> 0;
    const offset = local.length;
    local.push(...u32(0x04034b50), ...u16(20), ...u16(0x0800), ...u16(0), ...u16(0), ...u16(0), ...u32(crc), ...u32(data.length), ...u32(data.length), ...u16(nameB.length), ...u16(0), ...nameB);
    for (const b of data) local.push(b);
    central.push(...u32(0x02014b50), ...u16(20), ...u16(20), ...u16(0x0800), ...u16(0), ...u16(0), ...u16(0), ...u32(crc), ...u32(data.length), ...u32(data.length), ...u16(nameB.length), ...u16(0), ...u16(0), ...u16(0), ...u16(0), ...u32(0), ...u32(offset), ...nameB);
    count++;
  }
  const end = [...u32(0x06054b50), ...u16(0), ...u16(0), ...u16(count), ...u16(count), ...u32(central.length), ...u32(local.length), ...u16(0)];
  return new Uint8Array([...local, ...central, ...end]);
}

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A .docx whose body is paragraphs and tables (string[][]), in order. */
export function buildDocx(blocks: (string | string[][])[]): Uint8Array {
  const p = (t: string): string => `<w:p><w:r><w:t xml:space="preserve">${esc(t)}</w:t></w:r></w:p>`;
  const body = blocks
    .map((b) =>
      typeof b === "string"
        ? p(b)
        : `<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr>${b.map((row) => `<w:tr>${row.map((c) => `<w:tc>${p(c)}</w:tc>`).join("")}</w:tr>`).join("")}</w:tbl>`,
    )
    .join("");
  return zipStored({
    "[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
    "_rels/.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
    "word/document.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`,
  });
}

/** The 2021 sample as docx blocks (paragraphs + three tables). */
export function sampleDocxBlocks(d: Sample): (string | string[][])[] {
  const s = (v: number | null): string => cellOf(v);
  return [
    `${d.agency}${d.year}年政府信息公开工作年度报告`,
    `本报告统计期限自${d.year}年1月1日起至${d.year}年12月31日止。`,
    "一、总体情况",
    "二、主动公开政府信息情况",
    [
      ["第二十条第（一）项"],
      ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
      ["规章", ...d.t2.regulations.map(s)],
      ["行政规范性文件", ...d.t2.normativeDocuments.map(s)],
      ["第二十条第（五）项"],
      ["信息内容", "本年处理决定数量"],
      ["行政许可", s(d.t2.licensing)],
      ["第二十条第（六）项"],
      ["信息内容", "本年处理决定数量"],
      ["行政处罚", s(d.t2.punishment)],
      ["行政强制", s(d.t2.coercion)],
      ["第二十条第（八）项"],
      ["信息内容", "本年收费金额（单位：万元）"],
      ["行政事业性收费", s(d.t2.fees)],
    ],
    "三、收到和处理政府信息公开申请情况",
    [["申请人情况", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"], ...T3_PRINT.map(([g, l, k]) => [`${g}${l}`, ...(d.t3[k] ?? []).map(s)])],
    "四、政府信息公开行政复议、行政诉讼情况",
    [["行政复议", "行政诉讼"], d.t4.map(String)],
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
  ];
}
