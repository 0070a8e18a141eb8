import { describe, expect, it } from "vitest";
import { formatBaseline, formatDigest, formatNewReport, formatPortalAlert, formatUpdatedReport } from "../../src/render/alerts.js";
import { timeliness } from "../../src/agency/deadline.js";
import { matchesSubscription } from "../../src/notify/match.js";
import { TELEGRAM_LIMIT } from "../../src/render/format.js";
import { keyFigures } from "../../src/report/figures.js";
import { parseTelegramHtml } from "../support/telegram-emulator.js";
import { corpusEntries, finding, reportFromEntry, stored } from "../support/reports.js";
import { portal, sub } from "../notify/fixtures.js";

const entries = corpusEntries();
const shuyang = entries.find((e) => e.agency === "沭阳县发展和改革局")!;
const pingtan = entries.filter((e) => e.agency === "平潭综合实验区").sort((a, b) => a.year - b.year);
const text = (parts: string[]): string => parts.map((p) => parseTelegramHtml(p).text).join("\n");

describe("formatNewReport", () => {
  it("states agency, year, link, publication and the real key figures (from the 总计 column)", () => {
    const r = stored(reportFromEntry(shuyang), "shuyang", { publishedAt: "2024-01-20" });
    const p = portal("shuyang", "沭阳县", "江苏 宿迁 沭阳", "department");
    const parts = formatNewReport({ report: r, portal: p }, "zh");
    expect(parts).toHaveLength(1);
    const t = text(parts);
    expect(t).toContain(`新年报：${shuyang.agency} ${shuyang.year} 年度`);
    expect(t).toContain(`新收申请：${shuyang.table3!.newReceived![6]} 件`);
    expect(t).toContain(`办结：${shuyang.table3!.total![6]} 件`);
    expect(t).toContain("予以公开率：100.0%");
    expect(t).toContain(`按时发布（截止 ${shuyang.year + 1}-01-31）`);
    expect(t).toContain("未发现问题");
    expect(parseTelegramHtml(parts[0]!).entities.some((e) => e.type === "text_link" && e.url === r.url)).toBe(true);
  });

  it("says when a report was late and shows year-on-year changes", () => {
    const [older, newer] = [pingtan.at(-2)!, pingtan.at(-1)!];
    const prev = stored(reportFromEntry(older), "pingtan");
    const cur = stored(reportFromEntry(newer), "pingtan", { publishedAt: `${newer.year + 1}-04-10` });
    const t = text(formatNewReport({ report: cur, portal: portal("pingtan", "平潭综合实验区", "福建 平潭", "government"), prev }, "zh"));
    expect(t).toContain(`逾期发布（截止 ${newer.year + 1}-03-31，晚 10 天）`);
    expect(t).toContain(`同比（与 ${older.year} 年度相比）`);
    const a = keyFigures(prev.report).newReceived!;
    const b = keyFigures(cur.report).newReceived!;
    expect(t).toContain(`新收申请：${a} → ${b}`);
  });

  it("escapes hostile agency names and titles", () => {
    const evil = `<b>局</b>&amp;<script>`;
    const r = stored(reportFromEntry(shuyang, [finding("error", `表三 ${evil} 不平`)], { agency: evil, title: `"${evil}"` }), "x");
    const parts = formatNewReport({ report: r, portal: portal("x", `<i>门户</i>`, `<省>`) });
    for (const p of parts) expect(() => parseTelegramHtml(p)).not.toThrow();
    const t = text(parts);
    expect(t).toContain(`新年报：${evil}`);
    expect(t).toContain(`❌ 表三 ${evil} 不平`);
    expect(t).toContain("<i>门户</i>（<省>）");
  });

  it("keeps every message ≤ 4096 with a huge findings list, errors first, capped", () => {
    const fs = [
      ...Array.from({ length: 400 }, (_, i) => finding("warning", `警告${i} ${"长".repeat(400)}`)),
      ...Array.from({ length: 300 }, (_, i) => finding("error", `错误${i} <${"x".repeat(50)}>`)),
      finding("info", "空白单元格 3 个"),
    ];
    const r = stored(reportFromEntry(shuyang, fs), "x");
    const parts = formatNewReport({ report: r });
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(TELEGRAM_LIMIT);
      expect(parseTelegramHtml(p).text.length).toBeLessThanOrEqual(TELEGRAM_LIMIT);
    }
    const t = text(parts);
    expect(t).toContain("发现的问题（错误 300 · 警告 400）");
    expect(t.indexOf("❌ 错误0")).toBeGreaterThan(0);
    expect(t).not.toContain("⚠️ 警告0"); // the cap is filled by errors first
    expect(t).toContain(`…另有 ${700 - 12} 条`);
    expect(t).toContain("另有 1 条提示信息");
  });

  it("speaks English when the chat chose en", () => {
    const r = stored(reportFromEntry(shuyang, [finding("error", "不平")]), "x");
    const t = text(formatNewReport({ report: r }, "en"));
    expect(t).toContain(`New report: ${shuyang.agency} ${shuyang.year}`);
    expect(t).toContain("Findings (1 errors · 0 warnings)");
    expect(t).toContain("❌ EN 不平");
  });
});

describe("other messages", () => {
  it("updated: an English chat's alert is English throughout (figure changes rendered per locale)", () => {
    const r = stored(reportFromEntry(shuyang), "x");
    const figureChanges = [{ key: "newReceived" as const, prev: 17, cur: 26, delta: 9, ratio: 9 / 17 }];
    const en = text(formatUpdatedReport({ report: r, figureChanges }, "en"));
    expect(en).toContain("New requests: 17 → 26 (+52.9%)");
    expect(en).not.toMatch(/新收|变化|已更新|表格/);
    // Outside the agency's own name and the report's title (source text), nothing is Chinese.
    const chrome = en.replaceAll(r.report.agency ?? "", "").replaceAll(r.report.title ?? "", "");
    const findings = r.report.findings.map((f) => f.message);
    expect(findings.every((m) => !chrome.includes(m))).toBe(true);
    const zh = text(formatUpdatedReport({ report: r, figureChanges }, "zh"));
    expect(zh).toContain("新收申请：17 → 26（+52.9%）");
    // No key figure changed: said in the chat's language.
    expect(text(formatUpdatedReport({ report: r, figureChanges: [] }, "en"))).toContain("key figures unchanged");
  });

  it("updated: legacy events' zh lines are shown as they are", () => {
    const r = stored(reportFromEntry(shuyang), "x");
    const t = text(formatUpdatedReport({ report: r, changes: ["新收申请：17 → 26（+52.9%）", "<x>"] }));
    expect(t).toContain("年报已更新");
    expect(t).toContain("新收申请：17 → 26（+52.9%）");
    expect(t).toContain("<x>");
  });

  it("baseline: one summary with count, years and the newest report's figures", () => {
    const rs = pingtan.map((e) => stored(reportFromEntry(e), "pingtan"));
    const newest = pingtan.at(-1)!;
    const t = text(formatBaseline(portal("pingtan", "平潭综合实验区", "福建 平潭"), rs));
    expect(t).toContain(`已收录 ${rs.length} 份年报`);
    for (const e of pingtan) expect(t).toContain(String(e.year));
    expect(t).toContain(`最新一份：平潭综合实验区 ${newest.year} 年度`);
    expect(t).toContain(`新收申请：${newest.table3!.newReceived![6]} 件`);
  });

  it("portal down for admins names the portal and the error, escaped", () => {
    const t = text(
      formatPortalAlert(
        { id: "d", seq: 1, kind: "portalDown", at: "", portalId: "p", reportIds: [], detail: { failures: 3, error: "HTTP 503 <html>" } },
        portal("p", "某门户"),
      ),
    );
    expect(t).toContain("门户无法访问：某门户");
    expect(t).toContain("连续失败 3 次");
    expect(t).toContain("HTTP 503 <html>");
  });

  it("digest groups by region with finding counts", () => {
    const a = stored(reportFromEntry(shuyang, [finding("error", "x"), finding("warning", "y"), finding("warning", "z")]), "sy");
    const b = stored(reportFromEntry(pingtan[0]!), "pt");
    const c = stored(reportFromEntry(pingtan[1]!, [], { agency: "无名机关" }), "zz");
    const parts = formatDigest(
      [
        { report: a, portal: portal("sy", "沭阳县", "江苏 宿迁"), kind: "new" },
        { report: b, portal: portal("pt", "平潭", "福建 平潭"), kind: "new" },
        { report: c, kind: "updated" },
      ],
      { from: new Date("2026-03-01T01:00:00Z"), to: new Date("2026-03-02T01:00:00Z"), mode: "daily" },
      "Asia/Shanghai",
    );
    const t = text(parts);
    expect(t).toContain("年报日报（2026-03-01 09:00 — 2026-03-02 09:00）");
    expect(t).toContain("新年报 2 份");
    const lines = t.split("\n");
    const fj = lines.indexOf("福建 平潭（1）");
    const js = lines.indexOf("江苏 宿迁（1）");
    const other = lines.indexOf("其他（1）");
    expect(fj).toBeGreaterThan(0);
    expect(js).toBeGreaterThan(0);
    expect(other).toBeGreaterThan(Math.max(fj, js));
    expect(lines[js + 1]).toContain(`${shuyang.agency} ${shuyang.year} 年度 — 错误 1 · 警告 2`);
    expect(lines[other + 1]).toContain("无名机关");
    expect(lines[other + 1]).toContain("（更新）");
  });

  it("timeliness is unknown without a publication date", () => {
    expect(timeliness(stored(reportFromEntry(shuyang), "x"))).toBeNull();
  });
});

describe("matchesSubscription", () => {
  const r = stored(reportFromEntry(shuyang), "sy");
  const p = portal("sy", "沭阳县", "江苏 宿迁 沭阳");
  it("matches substrings of normalised names by kind", () => {
    expect(matchesSubscription(sub(1, "agency", "发展和改革"), r, p)).toBe(true);
    expect(matchesSubscription(sub(1, "agency", "沭陽縣 發展"), r, p)).toBe(true); // Traditional + space
    expect(matchesSubscription(sub(1, "agency", "教育局"), r, p)).toBe(false);
    expect(matchesSubscription(sub(1, "region", "宿迁"), r, p)).toBe(true);
    expect(matchesSubscription(sub(1, "region", "福建"), r, p)).toBe(false);
    expect(matchesSubscription(sub(1, "keyword", "年度报告"), r, p)).toBe(true);
    expect(matchesSubscription(sub(1, "all", ""), r)).toBe(true);
  });
  it("never treats user input as a pattern, and an empty value matches nothing", () => {
    expect(matchesSubscription(sub(1, "keyword", ".*"), r, p)).toBe(false);
    expect(matchesSubscription(sub(1, "agency", "   "), r, p)).toBe(false);
  });
});
