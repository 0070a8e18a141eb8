import { describe, expect, it } from "vitest";
import { compareFigures, describeChanges, describeFigures, FIGURE_LABELS, keyFigures } from "../../src/report/figures.js";
import type { KeyFigures } from "../../src/report/figures.js";
import { cleanReport, corpusEntry, record } from "./rules/helpers.js";

describe("keyFigures", () => {
  it("reads the 总计 column of the real 宿迁市 2024 figures", () => {
    const f = keyFigures(record("宿迁市", 2024));
    expect(f.newReceived).toBe(3525);
    expect(f.carriedOver).toBe(121);
    expect(f.handled).toBe(3521);
    expect(f.granted).toBe(1431);
    expect(f.partial).toBe(471);
    expect(f.grantRate).toBeCloseTo((1431 + 471) / 3521, 12);
    expect(f.deniedTotal).toBe(2 + 1 + 4 + 17 + 21 + 11 + 23 + 13);
    expect(f.unableTotal).toBe(897 + 36 + 8);
    expect(f.noInfo).toBe(897);
    expect(f.noInfoShare).toBeCloseTo(897 / 3521, 12);
    expect(f.carriedForward).toBe(125);
    expect(f.reviewTotal).toBe(170);
    expect(f.reviewCorrected).toBe(18);
    expect(f.reviewCorrectionRate).toBeCloseTo(18 / 170, 12);
    expect(f.litigationTotal).toBe(25 + 52);
    expect(f.litigationCorrected).toBe(0);
    expect(f.regulationsValid).toBe(12);
    expect(f.normativeValid).toBe(420);
    expect(f.licensing).toBe(1573179);
    expect(f.fees).toBe(72701.2578);
  });
  it("never adds 总计 to the applicant columns", () => {
    const r = cleanReport();
    r.requests!.newReceived = [100, 20, 0, 0, 0, 0, 120];
    expect(keyFigures(r).newReceived).toBe(120);
  });
  it("counts 8.属于行政查询事项 as 不予公开", () => {
    const r = cleanReport();
    r.requests!.denied_query = [0, 0, 0, 0, 0, 0, 3];
    expect(keyFigures(r).deniedTotal).toBe(3);
  });
  it("gives null for blanks, absent tables and rates over zero", () => {
    const r = cleanReport({ requests: null, reviewLitigation: { review: [0, 0, 0, 0, 0], litigationDirect: [0, 0, 0, 0, null], litigationAfterReview: [0, 0, 0, 0, 0] } });
    const f = keyFigures(r);
    expect(f.newReceived).toBeNull();
    expect(f.grantRate).toBeNull();
    expect(f.reviewCorrectionRate).toBeNull(); // 0 / 0
    expect(f.litigationTotal).toBeNull();
    const zero = cleanReport();
    for (const row of Object.values(zero.requests!)) row.fill(0);
    expect(keyFigures(zero).grantRate).toBeNull();
  });
  it("reads 2019-layout decisions and leaves 现行有效 and fees unknown (report 002)", () => {
    const e = corpusEntry("002");
    const f = keyFigures(e.report);
    expect(f.newReceived).toBe(23);
    expect(f.handled).toBe(23);
    expect(f.regulationsValid).toBeNull();
    expect(f.fees).toBeNull();
    expect(f.licensing).toBeNull(); // unreadable in the source
  });
  it("has a label for every figure", () => {
    const f = keyFigures(cleanReport());
    expect(Object.keys(FIGURE_LABELS).sort()).toEqual(Object.keys(f).sort());
  });
});

describe("describeFigures", () => {
  it("prints plain lines in both locales", () => {
    const f = keyFigures(corpusEntry("001").report);
    const zh = describeFigures(f, "zh");
    expect(zh).toContain("新收申请：26 件");
    expect(zh).toContain("予以公开率：100.0%");
    expect(zh).toContain("行政事业性收费：0 万元");
    expect(zh).toContain("复议纠错率：0.0%");
    const en = describeFigures(f, "en");
    expect(en).toContain("New requests: 26");
    expect(en).toContain("Grant rate: 100.0%");
    expect(zh).toHaveLength(Object.keys(FIGURE_LABELS).length);
  });
  it("shows unknown figures as a dash", () => {
    const zh = describeFigures(keyFigures(cleanReport({ requests: null })), "zh");
    expect(zh).toContain("新收申请：—（未填报或无法计算）");
  });
});

describe("compareFigures / describeChanges", () => {
  const base = keyFigures(cleanReport());
  const withNew = (n: number | null): KeyFigures => ({ ...base, newReceived: n });

  it("computes delta and relative change", () => {
    const ch = compareFigures(withNew(17), withNew(26)).find((c) => c.key === "newReceived")!;
    expect(ch).toEqual({ key: "newReceived", prev: 17, cur: 26, delta: 9, ratio: 9 / 17 });
    expect(describeChanges([ch], "zh")).toEqual(["新收申请：17 → 26（+52.9%）"]);
    expect(describeChanges([ch], "en")).toEqual(["New requests: 17 → 26 (+52.9%)"]);
  });
  it("handles zero and unknown previous values", () => {
    const fromZero = compareFigures(withNew(0), withNew(5)).find((c) => c.key === "newReceived")!;
    expect(fromZero.ratio).toBeNull();
    expect(describeChanges([fromZero], "zh")).toEqual(["新收申请：0 → 5（+5）"]);
    const unknown = compareFigures(withNew(null), withNew(5)).find((c) => c.key === "newReceived")!;
    expect(unknown.delta).toBeNull();
    expect(describeChanges([unknown], "zh")).toEqual(["新收申请：— → 5"]);
  });
  it("shows rates in percentage points and leaves out figures unknown in both years", () => {
    const ch = compareFigures({ ...base, grantRate: 0.5, fees: null }, { ...base, grantRate: 0.621, fees: null });
    const lines = describeChanges(ch, "zh");
    expect(lines).toContain("予以公开率：50.0% → 62.1%（+12.1个百分点）");
    expect(lines.some((l) => l.startsWith("行政事业性收费"))).toBe(false);
  });
  it("describes the real 宿迁市 2023→2024 change", () => {
    const lines = describeChanges(compareFigures(keyFigures(record("宿迁市", 2023)), keyFigures(record("宿迁市", 2024))), "zh");
    expect(lines).toContain("新收申请：3511 → 3525（+0.4%）");
    expect(lines).toContain("行政复议：440 → 170（-61.4%）");
  });
});
