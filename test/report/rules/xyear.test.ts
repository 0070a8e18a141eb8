import { describe, expect, it } from "vitest";
import { checkAcrossYears, repetitionShare } from "../../../src/report/rules/index.js";
import { byRule, cleanReport, corpusEntry, errors, record } from "./helpers.js";
import type { Report } from "../../../src/report/schema.js";

const pair = (prev: Report, cur: Report, prevText?: string, curText?: string) =>
  checkAcrossYears({ report: prev, text: prevText ?? null }, { report: cur, text: curText ?? null });

describe("real consecutive years (records.json)", () => {
  it("宿迁市 2023→2024 is clean: carry-over and documents in force continue", () => {
    const fs = pair(record("宿迁市", 2023), record("宿迁市", 2024));
    expect(byRule(fs, "xyear.carryOver")).toEqual([]);
    expect(byRule(fs, "xyear.validContinuity")).toEqual([]);
    expect(errors(fs)).toEqual([]);
  });
  it("洪泽区 2023→2024: continuity holds; the ×17 licensing jump is flagged as a swing", () => {
    const fs = pair(record("洪泽区", 2023), record("洪泽区", 2024));
    expect(byRule(fs, "xyear.carryOver")).toEqual([]);
    expect(byRule(fs, "xyear.validContinuity")).toEqual([]);
    const swings = byRule(fs, "xyear.swing");
    const lic = swings.find((f) => f.cells?.includes("licensing"));
    expect(lic?.severity).toBe("warning");
    expect(lic?.message).toContain("550");
    expect(lic?.message).toContain("9487");
    const nr = swings.find((f) => f.cells?.includes("newReceived"));
    expect(nr?.severity).toBe("info"); // 21 → 95, ×4.5
  });
  it("a broken chain is an error naming both years' cells", () => {
    const prev = record("宿迁市", 2023);
    const cur = record("宿迁市", 2024);
    cur.requests!.carriedOver![6] = 0;
    const f = byRule(pair(prev, cur), "xyear.carryOver");
    expect(f).toEqual([expect.objectContaining({ severity: "error", message: "2023年 结转下年度（总计）=121，2024年 上年结转（总计）=0" })]);
  });
  it("documents in force that do not continue are a warning with the arithmetic", () => {
    const prev = record("宿迁市", 2023);
    const cur = record("宿迁市", 2024);
    const ad = cur.activeDisclosure!;
    if (ad.format === "2019") throw new Error("layout");
    ad.normativeDocuments.valid = 400;
    const f = byRule(pair(prev, cur), "xyear.validContinuity");
    expect(f).toHaveLength(1);
    expect(f[0]!.severity).toBe("warning");
    expect(f[0]!.message).toBe("行政规范性文件现行有效件数：2023年 597 + 本年制发 50 − 本年废止 227 = 420，2024年却为400");
  });
});

describe("constructed series", () => {
  const y = (year: number, over: Partial<Report> = {}) => cleanReport({ year, ...over });

  it("passes a consistent series and fails a broken one per column", () => {
    const a = y(2022);
    const b = y(2023);
    b.requests!.carriedOver = [2, 0, 0, 0, 0, 0, 2]; // = a's carried forward
    expect(byRule(pair(a, b), "xyear.carryOver")).toEqual([]);
    b.requests!.carriedOver = [1, 1, 0, 0, 0, 0, 2];
    const f = byRule(pair(a, b), "xyear.carryOver");
    expect(f.map((x) => x.message)).toEqual([
      "2022年 结转下年度（自然人）=2，2023年 上年结转（自然人）=1",
      "2022年 结转下年度（商业企业）=0，2023年 上年结转（商业企业）=1",
    ]);
  });
  it("treats blanks as unknown (no finding) and skips carry-over for non-consecutive years", () => {
    const a = y(2021);
    const b = y(2023);
    b.requests!.carriedOver = [9, 0, 0, 0, 0, 0, 9];
    const fs = pair(a, b);
    expect(byRule(fs, "xyear.carryOver")).toEqual([]);
    expect(byRule(fs, "xyear.notConsecutive")).toHaveLength(1);
    const c = y(2022);
    c.requests!.carriedOver = [null, null, null, null, null, null, null];
    expect(byRule(pair(a, c), "xyear.carryOver")).toEqual([]);
  });
  it("checks documents in force only between 2021-layout tables", () => {
    const a = y(2020, {
      layout: "2019",
      activeDisclosure: {
        format: "2019",
        regulations: { newMade: 0, newPublished: 0, totalPublic: 3 },
        normativeDocuments: { newMade: 1, newPublished: 1, totalPublic: 900 },
        licensing: { prevYearItems: null, change: null, decisions: 10 },
        otherServices: { prevYearItems: null, change: null, decisions: null },
        punishment: { prevYearItems: null, change: null, decisions: 10 },
        coercion: { prevYearItems: null, change: null, decisions: 1 },
        fees: { prevYearItems: null, change: null },
        procurement: { projects: null, amount: null },
      },
    });
    expect(byRule(pair(a, y(2021)), "xyear.validContinuity")).toEqual([]);
  });
  it("flags swings only where both numbers are big enough", () => {
    const a = y(2022);
    const b = y(2023);
    const ad = b.activeDisclosure!;
    if (ad.format === "2019") throw new Error("layout");
    ad.coercion = 120; // 12 → 120: ×10, warning
    ad.punishment = 80; // 300 → 80: −73 %, info
    const swings = byRule(pair(a, b), "xyear.swing");
    expect(swings.find((f) => f.cells?.includes("coercion"))?.severity).toBe("warning");
    expect(swings.find((f) => f.cells?.includes("punishment"))?.severity).toBe("info");
    expect(swings.find((f) => f.cells?.includes("punishment"))?.message).toContain("下降73%");
    // 2 → 9 is ×4.5 but too small to mean anything.
    const c = y(2022, { reviewLitigation: { review: [2, 0, 0, 0, 2], litigationDirect: [0, 0, 0, 0, 0], litigationAfterReview: [0, 0, 0, 0, 0] } });
    const d = y(2023, { reviewLitigation: { review: [9, 0, 0, 0, 9], litigationDirect: [0, 0, 0, 0, 0], litigationAfterReview: [0, 0, 0, 0, 0] } });
    expect(byRule(pair(c, d), "xyear.swing").filter((f) => f.cells?.includes("reviewTotal"))).toEqual([]);
  });
});

describe("repetitionShare / xyear.repetition", () => {
  const TOPICS = ["组织领导", "平台建设", "政策解读", "依申请公开", "监督保障", "基层政务公开", "重点领域信息", "政务新媒体", "公开目录", "保密审查", "舆情回应", "业务培训"];
  // Sentences that differ in words, not only in numbers (numbers are masked).
  const para = (n: number, year: number) =>
    TOPICS.slice(0, n)
      .map((t) => `${year}年，我单位围绕${t}工作持续深化政务公开，全面提升信息发布质量和服务水平${year % 7}次。`)
      .join("\n");

  it("counts last year's sentences repeated, masking numbers and whitespace", () => {
    const r = repetitionShare(para(10, 2023), para(10, 2024).replace(/，/g, "， "));
    expect(r).toEqual({ share: 1, repeated: 10, total: 10 });
  });
  it("ignores short sentences and table rows", () => {
    const prev = `一、总体情况\n规章\t0\t0\t0\n行政规范性文件\t5\t1\t40\n本年新收政府信息公开申请数量 17 0 0 0 0 0 17\n好。\n${para(4, 2023)}`;
    const r = repetitionShare(prev, para(4, 2024));
    expect(r.total).toBe(4);
    expect(r.repeated).toBe(4);
  });
  it("re-joins PDF-wrapped lines so wrapping at different places still matches", () => {
    const sentence = "持续深化政务公开全面提升信息发布质量和服务水平并加强平台建设和监督保障工作";
    const wrap = (s: string, w: number) => s.match(new RegExp(`.{1,${w}}`, "g"))!.join("\n");
    const doc = (w: number) => wrap(TOPICS.map((t) => `我单位围绕${t}${sentence}。`).join(""), w);
    const r = repetitionShare(doc(30), doc(27));
    expect(r.total).toBe(12);
    expect(r.share).toBe(1);
  });
  it("is 0 for unrelated texts and for empty input", () => {
    expect(repetitionShare(para(6, 2023), "全新的内容，今年我们重点推进了完全不同的工作事项并取得明显成效。").share).toBe(0);
    expect(repetitionShare("", "")).toEqual({ share: 0, repeated: 0, total: 0 });
  });
  it("warns above 50 % and stays silent at or below", () => {
    const prev = para(10, 2023);
    const copied = para(6, 2024) + "\n" + "另有全新表述的句子一，内容与上年完全不同并且足够长。".repeat(1);
    const mostly = checkAcrossYears({ report: cleanReport({ year: 2023 }), text: prev }, { report: cleanReport({ year: 2024 }), text: copied });
    const f = byRule(mostly, "xyear.repetition");
    expect(f).toEqual([expect.objectContaining({ severity: "warning" })]);
    expect(f[0]!.message).toBe("2023年报告的10个句子中有6个（60%）在2024年报告中重复出现，超过50%");
    const half = checkAcrossYears({ report: cleanReport({ year: 2023 }), text: prev }, { report: cleanReport({ year: 2024 }), text: para(5, 2024) });
    expect(byRule(half, "xyear.repetition")).toEqual([]);
  });
  it("measures the real 洪泽区 2023→2024 texts: shared boilerplate, not a copy", () => {
    const a = corpusEntry("hongze-2023");
    const b = corpusEntry("hongze-2024");
    const r = repetitionShare(a.text, b.text);
    expect(r.total).toBeGreaterThan(10);
    expect(r.share).toBeGreaterThan(0);
    expect(r.share).toBeLessThan(1);
    expect(r.share).toBe(r.repeated / r.total);
    // A copy of last year's text with new numbers is 100 % repetition.
    const copy = repetitionShare(a.text, a.text.replace(/2023/g, "2024").replace(/\d+ 件/g, "9 件"));
    expect(copy.share).toBe(1);
  });
});
