import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  closestNames,
  editDistance,
  parseDigestArg,
  parseQuietArg,
  parseReportArg,
  parseSubscriptionArg,
  sanitizeArg,
} from "../../src/bot/args.js";

describe("sanitizeArg", () => {
  it("strips control, zero-width and bidi characters and collapses whitespace", () => {
    const r = sanitizeArg("  洪泽\u0000区\u200B\u202E  人民\t\n政府\u0007 ");
    expect(r).toEqual({ ok: true, value: "洪泽区 人民 政府" });
  });
  it("refuses a 5,000-character argument instead of cutting it", () => {
    const r = sanitizeArg("局".repeat(5000));
    expect(r).toEqual({ ok: false, reason: "tooLong", max: 100 });
  });
  it("never returns control characters (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const r = sanitizeArg(s, 1000);
        return r.ok && !/[\u0000-\u001F\u007F]/.test(r.value);
      }),
    );
  });
});

describe("parseSubscriptionArg", () => {
  it.each([
    ["全部", { kind: "all", value: "*" }],
    ["ALL", { kind: "all", value: "*" }],
    ["地区 福建", { kind: "region", value: "福建" }],
    ["地区：江苏 宿迁", { kind: "region", value: "江苏 宿迁" }],
    ["region 福建", { kind: "region", value: "福建" }],
    ["关键词 教育", { kind: "keyword", value: "教育" }],
    ["机关 沭阳县发展和改革局", { kind: "agency", value: "沭阳县发展和改革局" }],
    ["沭阳县发展和改革局", { kind: "agency", value: "沭阳县发展和改革局" }],
    ["沭阳县 发改局", { kind: "agency", value: "沭阳县 发改局" }],
  ])("%s", (input, expected) => {
    expect(parseSubscriptionArg(input)).toEqual(expected);
  });
  it("empty → null", () => expect(parseSubscriptionArg("  ")).toBeNull());
  it("treats regex metacharacters as plain text", () => {
    expect(parseSubscriptionArg("(.*)+$")).toEqual({ kind: "agency", value: "(.*)+$" });
  });
});

describe("parseDigestArg / parseQuietArg / parseReportArg", () => {
  it("digest", () => {
    expect(parseDigestArg("daily 7:30")).toEqual({ mode: "daily", time: "07:30" });
    expect(parseDigestArg("weekly")).toEqual({ mode: "weekly" });
    expect(parseDigestArg("off")).toEqual({ mode: "off" });
    expect(parseDigestArg("hourly")).toBeNull();
    expect(parseDigestArg("daily 25:00")).toBeNull();
  });
  it("quiet", () => {
    expect(parseQuietArg("22-08")).toEqual({ from: 22, to: 8, mode: "hold" });
    expect(parseQuietArg("22-8 silent")).toEqual({ from: 22, to: 8, mode: "silent" });
    expect(parseQuietArg("off")).toBe("off");
    expect(parseQuietArg("8-8")).toBeNull();
    expect(parseQuietArg("25-3")).toBeNull();
    expect(parseQuietArg("22-08 loud")).toBeNull();
  });
  it("report: the year is the last token", () => {
    expect(parseReportArg("洪泽区 2023")).toEqual({ agency: "洪泽区", year: 2023 });
    expect(parseReportArg("洪泽区2023年度")).toEqual({ agency: "洪泽区", year: 2023 });
    expect(parseReportArg("洪泽区")).toEqual({ agency: "洪泽区", year: null });
  });
});

describe("closestNames", () => {
  const names = ["淮安市洪泽区人民政府", "沭阳县发展和改革局", "平潭综合实验区", "栾川县人民政府办公室"];
  it("suggests names sharing characters, best first", () => {
    expect(closestNames("洪泽县政府", names, 2)[0]).toBe("淮安市洪泽区人民政府");
    expect(closestNames("平潭实验区管委会", names, 1)).toEqual(["平潭综合实验区"]);
  });
  it("drops names sharing nothing", () => {
    expect(closestNames("xyz", names)).toEqual([]);
  });
  it("editDistance", () => {
    expect(editDistance("洪泽区", "洪泽县")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
  });
});
