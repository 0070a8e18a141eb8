import { describe, expect, it } from "vitest";
import { REQUEST_ROWS, REQUEST_ROW_KEYS } from "../../src/report/schema.js";
import type { Finding } from "../../src/report/schema.js";
import type { StoredReport } from "../../src/store/types.js";
import { TELEGRAM_LIMIT, escapeHtml } from "../../src/render/format.js";
import {
  anomalyItem,
  describeSubscription,
  renderAnomalies,
  renderLatest,
  renderReport,
  renderStatus,
} from "../../src/render/replies.js";
import { sortFindings } from "../../src/report/rules/finding.js";
import { expectedOf, fixtureReports } from "../support/reports.js";

const reports = fixtureReports();
const byFile = (f: string): StoredReport => {
  const r = reports.find((x) => x.report.source === f);
  if (!r) throw new Error(f);
  return r;
};
/** Drops tags and decodes the four entities, as Telegram shows the text. */
const plain = (html: string): string =>
  html.replace(/<[^>]*>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&amp;/g, "&");

describe("renderLatest", () => {
  it("shows the agency, year and the report's own key figures (沭阳县发改局 2023: 26 new requests)", () => {
    const r = byFile("reports/001.html");
    const e = expectedOf("reports/001.html");
    const [msg, ...rest] = renderLatest(r, "zh");
    expect(rest).toEqual([]);
    const text = plain(msg!);
    expect(text).toContain("沭阳县发展和改革局");
    expect(text).toContain("2023");
    // 新收 = 一、本年新收 总计 column, never the applicant columns added to it.
    const newReceived = e.table3!.newReceived![6]!;
    expect(text).toMatch(new RegExp(`新收[^\\n]*${newReceived}`));
    expect(text).not.toMatch(new RegExp(`新收[^\\n]*${newReceived * 2}`));
  });

  it("lists errors before warnings (洪泽区 2023 table 四)", () => {
    const text = plain(renderLatest(byFile("pdf/hongze-2023.pdf"), "zh").join("\n"));
    const err = text.indexOf("表四 行政复议");
    const warn = text.indexOf("正文称");
    expect(err).toBeGreaterThan(0);
    expect(warn).toBeGreaterThan(err);
  });

  it("uses the English finding text under /lang en", () => {
    const text = plain(renderLatest(byFile("pdf/hongze-2023.pdf"), "en").join("\n"));
    expect(text).toContain("Table 4 review: 10 + 1 + 0 + 0 = 11 but total is 0");
    expect(text).toContain("Key figures");
  });

  it("escapes HTML in agency names and findings", () => {
    const base = byFile("reports/001.html");
    const evil: StoredReport = {
      ...base,
      url: 'http://x.gov.cn/"><script>',
      report: {
        ...base.report,
        agency: "<b>局</b>&amp;",
        title: "<i>t",
        findings: [{ rule: "x", severity: "error", message: "a < b & c > d" }],
      },
    };
    const html = renderLatest(evil, "zh").join("\n");
    expect(html).toContain(escapeHtml("<b>局</b>&amp;"));
    expect(html).not.toContain("<b>局</b>");
    expect(html).not.toContain("<script>");
    expect(plain(html)).toContain("a < b & c > d");
  });
});

describe("renderReport", () => {
  it("prints every table-三 row and splits at row boundaries, each part ≤ 4096", () => {
    const base = byFile("pdf/hongze-2023.pdf");
    const many: Finding[] = Array.from({ length: 120 }, (_, i) => ({
      rule: "test.many",
      severity: i % 3 === 0 ? "error" : "warning",
      message: `第 ${i + 1} 条：表三 第 ${i} 行 与正文不一致，正文称“收到申请 ${i} 件”，表格为 ${i + 1} 件（口径可能不同）`,
    }));
    const r: StoredReport = { ...base, report: { ...base.report, findings: many } };
    const parts = renderReport(r, "zh");
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(TELEGRAM_LIMIT);
    const all = plain(parts.join("\n"));
    for (const key of REQUEST_ROW_KEYS) {
      if (base.report.requests?.[key]) expect(all).toContain(REQUEST_ROWS[key]);
    }
    // No finding is cut in half: each appears whole in exactly one part.
    for (const f of many) expect(parts.filter((p) => plain(p).includes(f.message))).toHaveLength(1);
    // 表四 行政复议 row of 洪泽区 2023 as printed: 10 1 0 0 0.
    expect(all).toMatch(/行政复议：结果维持 10 · 结果纠正 1 · 其他结果 0 · 尚未审结 0 · 总计 0/);
  });

  it("renders the 2019 layout's table 二 (平潭 2019)", () => {
    const text = plain(renderReport(byFile("reports/002.txt"), "zh").join("\n"));
    expect(text).toContain("版式：2019 版");
    expect(text).toContain("政府集中采购");
  });
});

describe("renderAnomalies", () => {
  it("puts reports with errors first and caps the list", () => {
    const text = plain(renderAnomalies(reports.map(anomalyItem), "zh", { maxReports: 1 }).join("\n"));
    expect(text).toContain("发现问题的年报（2 份）");
    expect(text).toContain("淮安市洪泽区人民政府");
    expect(text).not.toContain("平潭综合实验区");
    expect(text).toContain("另有 1 份年报");
  });
  it("says so when nothing is found", () => {
    expect(renderAnomalies([anomalyItem(byFile("reports/001.html"))], "zh")).toEqual(["当前没有发现问题。"]);
  });
});

describe("misc", () => {
  it("sortFindings is stable within a severity", () => {
    const fs: Finding[] = [
      { rule: "a", severity: "info", message: "1" },
      { rule: "b", severity: "warning", message: "2" },
      { rule: "c", severity: "error", message: "3" },
      { rule: "d", severity: "warning", message: "4" },
    ];
    expect(sortFindings(fs).map((f) => f.message)).toEqual(["3", "2", "4", "1"]);
  });
  it("describeSubscription escapes and names the topic", () => {
    expect(describeSubscription({ kind: "keyword", value: "<教育>", threadId: 7 }, "zh")).toBe("关键词：&lt;教育&gt;（话题 #7）");
    expect(describeSubscription({ kind: "all", value: "*" }, "en")).toBe("all");
  });
  it("renderStatus names failing portals and counts uncertain/failed rows", () => {
    const text = plain(
      renderStatus(
        {
          portals: [{ id: "p1", name: "<平潭>", url: "http://x" }],
          states: [
            { portalId: "p1", nextCheckAt: null, lastCheckAt: null, lastOkAt: null, failures: 3, lastError: "HTTP 500", baselineDone: true, downAlerted: true, http: {} },
          ],
          reports: 4,
          outbox: { pending: 2, uncertain: 1, failed: 5 },
          chats: { active: 1, total: 2 },
        },
        "zh",
      ).join("\n"),
    );
    expect(text).toContain("<平潭> ×3 — HTTP 500");
    expect(text).toContain("不确定 1，失败 5");
    expect(text).toContain("监测程序未在本进程中运行");
  });
  it("renderStatus lists agencies whose report for last year is overdue", () => {
    const text = plain(
      renderStatus(
        {
          portals: [{ id: "hz", name: "淮安市洪泽区人民政府", url: "http://x" }],
          states: [],
          reports: 2,
          outbox: {},
          chats: { active: 0, total: 0 },
          missing: [{ name: "<洪泽区>人民政府", year: 2025, deadline: "2026-03-31" }],
        },
        "zh",
      ).join("\n"),
    );
    expect(text).toContain("逾期未发布上一年度年报（已过截止日期）：1 个机关");
    expect(text).toContain("<洪泽区>人民政府 2025（2026-03-31）");
  });
});
