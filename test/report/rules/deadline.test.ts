import { describe, expect, it } from "vitest";
import { checkReport, deadlineFor, inferLevel } from "../../../src/report/rules/index.js";
import { byRule, cleanReport, cleanText } from "./helpers.js";

describe("inferLevel", () => {
  it.each([
    ["淮安市洪泽区人民政府", "government"],
    ["平潭综合实验区", "government"],
    ["宿迁市（全市汇总，市政府年报）", "government"],
    ["某某经济开发区管委会", "government"],
    ["某某高新技术产业开发区管理委员会", "government"],
    ["某某市城市管理委员会", "department"],
    ["沭阳县发展和改革局", "department"],
    ["栾川县人民政府办公室", "department"],
    ["天津市武清区政务服务办公室", "department"],
    ["橫峰縣人民政府辦公室", "department"],
    ["某某市卫生健康委员会", "department"],
    ["赤壁市官塘驿镇人民政府", "township"],
    ["某某区某某街道办事处", "township"],
    ["某某乡", "township"],
  ] as const)("%s → %s", (agency, level) => {
    expect(inferLevel(agency)).toBe(level);
  });
  it("returns null when the name says nothing", () => {
    expect(inferLevel(null)).toBeNull();
    expect(inferLevel("")).toBeNull();
    expect(inferLevel("张三")).toBeNull();
  });
});

describe("deadlineFor", () => {
  it("is 31 January for departments and 31 March for governments and townships", () => {
    expect(deadlineFor(2023, "department")).toBe("2024-01-31");
    expect(deadlineFor(2023, "government")).toBe("2024-03-31");
    expect(deadlineFor(2024, "township")).toBe("2025-03-31");
  });
});

describe("deadline.late", () => {
  const dep = cleanReport({ agency: "某某县教育局" });
  const check = (publishedAt: string | null, level?: "government" | "department" | "township" | null, report = dep) =>
    byRule(checkReport({ report, text: cleanText(), publishedAt, level }), "deadline.late");

  it("warns a department published after 31 January", () => {
    const f = check("2024-02-01");
    expect(f).toEqual([expect.objectContaining({ severity: "warning", message: "发布于2024-02-01，晚于部门年报的法定期限2024-01-31" })]);
  });
  it("accepts the deadline day itself and earlier dates, with a time part too", () => {
    expect(check("2024-01-31")).toEqual([]);
    expect(check("2024-01-17T09:00:00+08:00")).toEqual([]);
  });
  it("gives governments until 31 March; the agency's own name wins over the portal's level", () => {
    expect(check("2024-03-10", null, cleanReport())).toEqual([]);
    // A department listed on a government's portal keeps its 31 January deadline.
    expect(check("2024-03-10", "government")).toHaveLength(1);
    // The portal's level fills in only when neither the name nor the title tells.
    const anon = cleanReport({ agency: "张三", title: null });
    expect(check("2024-03-10", "government", anon)).toEqual([]);
    expect(check("2024-02-10", "department", anon)).toHaveLength(1);
  });
  it("with an unknown level, flags only dates after the later deadline", () => {
    const anon = cleanReport({ agency: null, title: null });
    expect(check("2024-02-15", null, anon)).toEqual([]);
    expect(check("2024-04-02", null, anon)[0]!.message).toContain("机关级别未知");
  });
  it("uses report.publishedAt when the input has none, and ignores junk dates", () => {
    expect(byRule(checkReport({ report: { ...dep, publishedAt: "2024-05-01" }, text: "" }), "deadline.late")).toHaveLength(1);
    expect(check("not a date")).toEqual([]);
    expect(check(null)).toEqual([]);
  });
});
