import { describe, expect, it } from "vitest";
import { figureOf, findFigure, formatFigure } from "../../src/agency/metrics.js";
import { corpus } from "../support/reports.js";

describe("figure names (zh / en)", () => {
  it.each([
    ["新收", "newReceived"],
    ["newReceived", "newReceived"],
    ["New requests", "newReceived"],
    ["办结", "handled"],
    ["公开率", "grantRate"],
    ["予以公开率", "grantRate"],
    ["纠错率", "reviewCorrectionRate"],
    ["纠错", "reviewCorrectionRate"],
    ["复议", "reviewTotal"],
    ["诉讼", "litigationTotal"],
    ["lawsuits", "litigationTotal"],
    ["许可", "licensing"],
    ["处罚", "punishment"],
    ["PENALTY", "punishment"],
    ["不掌握", "noInfoShare"],
    ["收费", "fees"],
    ["ｎｅｗ", "newReceived"],
  ])("%s → %s", (name, key) => {
    expect(findFigure(name)).toBe(key);
  });

  it("unknown or empty names are null", () => {
    expect(findFigure("")).toBeNull();
    expect(findFigure("天气")).toBeNull();
  });

  it("values come from the 总计 column, rates carry their denominator (洪泽区 2024)", () => {
    const r = corpus("hongze-2024").report;
    expect(figureOf(r, "newReceived")).toEqual({ value: 95, denominator: null });
    const nh = figureOf(r, "noInfoShare");
    expect(nh.denominator).toBe(95);
    expect(nh.value).toBeCloseTo(31 / 95);
    expect(figureOf(r, "reviewCorrectionRate")).toEqual({ value: 0.5, denominator: 2 });
    expect(formatFigure("grantRate", 59 / 95)).toBe("62.1%");
    expect(formatFigure("fees", 7730.28)).toBe("7730.28");
    expect(formatFigure("handled", null)).toBe("—");
  });
});
