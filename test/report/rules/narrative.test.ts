import { describe, expect, it } from "vitest";
import { checkReport } from "../../../src/report/rules/index.js";
import { findClaims } from "../../../src/report/rules/narrative.js";
import { byRule, cleanReport, cleanText, errors } from "./helpers.js";
import type { Report } from "../../../src/report/schema.js";

// cleanReport(): 一 总计 16, 二 1, (七) 15, 四 2; 复议 3; 诉讼 2+0; 规范性文件 制发5 现行有效40.
const run = (sentence: string, r: Report = cleanReport()) => checkReport({ report: r, text: cleanText(sentence) });
const narrative = (sentence: string, r?: Report) => byRule(run(sentence, r), "narrative").filter((f) => f.rule !== "narrative.placeholder");

describe("findClaims", () => {
  it("reads the usual phrasings, with PDF spaces and line breaks", () => {
    const t = [
      "2023年，共收到政府信息公开申请 26 件，上年度结转1件，结转下年度继续办理2件。",
      "区政府办代表区政府受理政府\n信息公开申请 17 件。",
      "全年办理政府信息公开申请218件。",
      "共有行政诉讼案件1件、行政复议案件2件。",
      "集中公开现行有效行政规范性文件698件，本年度制发的规范性文件88件。",
      "现行有效规章3件。",
    ].join("\n");
    expect(findClaims(t).map((c) => `${c.key}=${c.value}`)).toEqual([
      "newReceived=26",
      "carriedOver=1",
      "carriedForward=2",
      "newReceived=17",
      "handled=218",
      "review=2",
      "litigation=1",
      "normativeValid=698",
      "normativeMade=88",
      "regulationsValid=3",
    ]);
  });
  it("ignores numbers that are not about the tables", () => {
    const t = [
      "全年共受理群众诉求138013件。",
      "收到行政复议申请3件。", // a review count, not a request count
      "本年新收政府信息公开申请数量 17 0 0 0 0 0 17", // a table row: no 件
      "没有因政府信息公开被申请行政复议和行政诉讼。",
      "2022年，我县政务公开工作取得成效。",
    ].join("\n");
    expect(findClaims(t).filter((c) => c.key === "newReceived")).toEqual([]);
    expect(findClaims(t).filter((c) => c.key === "litigation")).toEqual([]);
  });
});

describe("narrative vs tables", () => {
  it("is silent when the narrative agrees", () => {
    expect(narrative("全年共收到政府信息公开申请16件，上年结转1件，结转下年度2件，行政复议3件，行政诉讼2件，现行有效行政规范性文件40件，制发行政规范性文件5件。")).toEqual([]);
  });
  it("warns (never errs) on a different count and quotes the sentence (seed 003 pattern)", () => {
    const fs = run("共受理政府信息公开申请5件，全部按时办结。");
    const f = byRule(fs, "narrative.newReceived");
    expect(f).toHaveLength(1);
    expect(f[0]!.severity).toBe("warning");
    expect(f[0]!.message).toBe("正文称“共受理政府信息公开申请5件，全部按时办结”（5件），表三 一、本年新收（总计）为16（一+二=17）");
    expect(f[0]!.messageEn).toContain("new requests (total) is 16");
    expect(errors(fs)).toEqual([]);
  });
  it("notes when the stated number equals 一+二 (report 003 pattern), still a warning", () => {
    const f = narrative("全区收到政府信息公开申请17件。");
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toContain("（一+二=17）");
  });
  it("accepts 办理 as either 办结 or 一+二", () => {
    expect(narrative("全年办理政府信息公开申请15件。")).toEqual([]);
    expect(narrative("全年办理政府信息公开申请17件。")).toEqual([]);
    expect(narrative("全年办理政府信息公开申请18件。")).toHaveLength(1);
  });
  it("checks reviews, lawsuits, carry-over and documents in force", () => {
    const f = narrative("行政复议4件，行政诉讼1件；上年结转3件；结转下年度0件；现行有效规范性文件41件；制发规范性文件6件。");
    expect(f.map((x) => x.rule).sort()).toEqual([
      "narrative.carriedForward",
      "narrative.carriedOver",
      "narrative.litigation",
      "narrative.normativeMade",
      "narrative.normativeValid",
      "narrative.review",
    ]);
    expect(f.every((x) => x.severity === "warning")).toBe(true);
  });
  it("warns that the table is missing when the narrative has numbers for it (seed 002 pattern)", () => {
    const f = narrative("全县新受理政府信息公开申请26件，上年度结转1件。", cleanReport({ requests: null }));
    expect(f.map((x) => x.message)).toEqual([
      "正文称“全县新受理政府信息公开申请26件，上年度结转1件”（26件），但表三缺失，无法核对",
      "正文称“全县新受理政府信息公开申请26件，上年度结转1件”（1件），但表三缺失，无法核对",
    ]);
  });
  it("counts a comparison against a blank cell as uncertain", () => {
    const r = cleanReport();
    r.requests!.newReceived![6] = null;
    const fs = run("收到政府信息公开申请16件。", r);
    expect(byRule(fs, "narrative.newReceived")).toEqual([]);
    expect(byRule(fs, "completeness.blankCells")[0]!.message).toContain("正文数字 16件");
  });
  it("does not compare 现行有效 with a 2019-layout table (no such column)", () => {
    const r = cleanReport({
      layout: "2019",
      activeDisclosure: {
        format: "2019",
        regulations: { newMade: 0, newPublished: 0, totalPublic: 0 },
        normativeDocuments: { newMade: 3, newPublished: 3, totalPublic: 20 },
        licensing: { prevYearItems: null, change: null, decisions: null },
        otherServices: { prevYearItems: null, change: null, decisions: null },
        punishment: { prevYearItems: null, change: null, decisions: null },
        coercion: { prevYearItems: null, change: null, decisions: null },
        fees: { prevYearItems: null, change: null },
        procurement: { projects: null, amount: null },
      },
    });
    expect(byRule(run("现行有效规范性文件99件。", r), "narrative.normativeValid")).toEqual([]);
  });
});

describe("hostile and odd text", () => {
  it("never throws and stays fast on junk, huge or adversarial input", () => {
    const junk = [
      "",
      "\u0000\uffff\ud800",
      "件".repeat(50_000),
      "收到申请".repeat(20_000) + "1件",
      "一、".repeat(30_000),
      "9".repeat(400) + "件",
      "收到政府信息公开申请99999999999999999999999件。",
      "<script>alert(1)</script>一、总体情况",
    ];
    for (const t of junk) {
      const fs = checkReport({ report: cleanReport(), text: t });
      expect(Array.isArray(fs)).toBe(true);
      for (const f of fs) expect(typeof f.message).toBe("string");
    }
  });
  it("never throws on a malformed report that skipped validation", () => {
    const bad = { ...cleanReport(), requests: { granted: [1] }, reviewLitigation: { review: [] }, activeDisclosure: {} } as unknown as Report;
    const fs = checkReport({ report: bad, text: cleanText() });
    expect(Array.isArray(fs)).toBe(true);
    const nothing = checkReport({ report: {} as unknown as Report, text: undefined as unknown as string });
    expect(Array.isArray(nothing)).toBe(true);
  });
});

describe("numbers about another year", () => {
  it("are not compared with this year's table", () => {
    expect(narrative("2022年共收到政府信息公开申请9件。")).toEqual([]);
    expect(narrative("较去年收到政府信息公开申请9件有所增加。")).toEqual([]);
    expect(narrative("2023年共收到政府信息公开申请9件，比2022年的16件有所减少。")).toHaveLength(1);
  });
  it("keeps 上年结转, which is this year's row 二", () => {
    expect(narrative("2023年，上年结转3件。").map((f) => f.rule)).toEqual(["narrative.carriedOver"]);
  });
});
