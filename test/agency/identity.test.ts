import { describe, expect, it } from "vitest";
import {
  agencyKey,
  agencyPart,
  cleanName,
  createIdentity,
  normalizeAgencyName,
  parseOverrides,
  portalPlaceStems,
  reportAgencyName,
  loadOverrides,
} from "../../src/agency/identity.js";
import { readFile } from "node:fs/promises";
import type { PortalEntry } from "../../src/store/types.js";
import { PORTALS } from "../support/reports.js";

const portals: PortalEntry[] = [
  ...PORTALS,
  { id: "luanchuan", name: "栾川县人民政府", url: "http://luanchuan.invalid/", region: "河南 洛阳 栾川", level: "government" },
  { id: "hengfeng", name: "横峰县人民政府", url: "http://hengfeng.invalid/", region: "江西 上饶 横峰", level: "government" },
  { id: "huaian", name: "淮安市人民政府", url: "http://huaian.invalid/", region: "江苏 淮安", level: "government" },
  { id: "chibi", name: "赤壁市人民政府", url: "http://chibi.invalid/", region: "湖北 咸宁 赤壁", level: "government" },
];
const id = createIdentity({ portals });

describe("agencyPart: the agency inside a title (real corpus titles)", () => {
  it.each([
    ["平潭综合实验区2019年度政府信息公开工作年度报告", "平潭综合实验区"],
    ["平潭综合实验区2024年政府信息公开工作年度报告", "平潭综合实验区"],
    ["沭阳县发展和改革局2023年政府信息公开年度报告-沭阳县发改局", "沭阳县发展和改革局"],
    ["县政府办2022年政府信息公开工作年度报告", "县政府办"],
    ["橫峰縣人民政府辦公室2021年政府信息公開工作年度報告", "横峰县人民政府办公室"],
    ["赤壁市官塘驿镇2024年政府信息公开工作年度报告", "赤壁市官塘驿镇"],
    ["关于公布二〇二一年度某某局政府信息公开工作年度报告的通知", "某某局"],
    ["2023年度宿迁市民政局政府信息公开工作年度报告", "宿迁市民政局"],
    ["宿迁市（全市汇总，市政府年报）", "宿迁市"],
  ])("%s → %s", (title, want) => {
    expect(agencyPart(title)).toBe(want);
  });

  it("cleans full-width characters and spaces", () => {
    expect(cleanName("ＡＢＣ县　人民 政府")).toBe("ABC县人民政府");
  });
});

describe("identity merges variants of one body", () => {
  it("县政府办 and 栾川县人民政府办公室 on the 栾川 portal", () => {
    expect(id.key("luanchuan", "县政府办")).toBe(id.key("luanchuan", "栾川县人民政府办公室"));
    expect(id.key("luanchuan", "县政府办2022年政府信息公开工作年度报告")).toBe("luanchuan:政府办");
  });

  it("Traditional and Simplified spellings of 横峰县人民政府办公室", () => {
    const k = id.key("hengfeng", "橫峰縣人民政府辦公室");
    expect(k).toBe("hengfeng:政府办");
    expect(id.key("hengfeng", "横峰县政府办公室")).toBe(k);
    expect(id.key("hengfeng", "橫峰縣人民政府辦公室2021年政府信息公開工作年度報告")).toBe(k);
  });

  it("the three 平潭综合实验区 titles (2019, 2022, 2024) are one agency", () => {
    const keys = [
      "平潭综合实验区2019年度政府信息公开工作年度报告",
      "平潭综合实验区2022年度政府信息公开工作年度报告",
      "平潭综合实验区2024年度政府信息公开工作年度报告",
      "平潭综合实验区",
    ].map((t) => id.key("pingtan", t));
    expect(new Set(keys).size).toBe(1);
  });

  it("淮安市洪泽区人民政府 = 洪泽区政府 = 洪泽区人民政府, on its own portal and on the city's", () => {
    expect(id.key("hongze", "淮安市洪泽区人民政府")).toBe(id.key("hongze", "洪泽区政府"));
    expect(id.key("huaian", "淮安市洪泽区人民政府")).toBe(id.key("huaian", "洪泽区人民政府"));
    expect(id.key("huaian", "洪泽区人民政府")).toBe("huaian:洪泽区");
  });

  it("沭阳县发改局 = 沭阳县发展和改革局 (department portal and city portal)", () => {
    expect(id.key("shuyang-fgj", "沭阳县发改局")).toBe(id.key("shuyang-fgj", "沭阳县发展和改革局"));
    expect(id.key("suqian", "沭阳县发改局")).toBe(id.key("suqian", "沭阳县发展和改革局2023年政府信息公开年度报告-沭阳县发改局"));
  });

  it("a one-character county (嵩县): 嵩县人民政府办公室 = 县政府办, 嵩县人民政府 = its government", () => {
    const sx = createIdentity({ portals: [{ id: "songxian", name: "嵩县人民政府", url: "http://songxian.invalid/", region: "河南 洛阳 嵩县" }] });
    expect(sx.key("songxian", "嵩县人民政府办公室")).toBe("songxian:政府办");
    expect(sx.key("songxian", "县政府办")).toBe("songxian:政府办");
    expect(sx.key("songxian", "嵩县人民政府")).toBe("songxian:政府");
  });

  it("a township and its government: 赤壁市官塘驿镇 = 官塘驿镇人民政府", () => {
    expect(id.key("chibi", "赤壁市官塘驿镇")).toBe(id.key("chibi", "官塘驿镇人民政府"));
  });
});

describe("identity keeps different bodies apart", () => {
  it("a government is not its office", () => {
    expect(id.key("hongze", "淮安市洪泽区人民政府")).not.toBe(id.key("hongze", "洪泽区人民政府办公室"));
    expect(id.key("luanchuan", "栾川县人民政府")).not.toBe(id.key("luanchuan", "县政府办"));
  });

  it("two counties listed on one city portal", () => {
    expect(id.key("suqian", "沭阳县人民政府")).not.toBe(id.key("suqian", "泗洪县人民政府"));
    expect(id.key("suqian", "沭阳县发改局")).not.toBe(id.key("suqian", "宿迁市发改局"));
    expect(id.key("suqian", "宿迁市人民政府")).not.toBe(id.key("suqian", "沭阳县人民政府"));
  });

  it("the same name on two portals is two keys (portals are joined by overrides only)", () => {
    expect(id.key("suqian", "民政局")).not.toBe(id.key("huaian", "民政局"));
  });

  it("市场监督管理局 keeps its 市 (not a bare level prefix)", () => {
    expect(id.key("luanchuan", "栾川县市场监督管理局")).toBe("luanchuan:市场监管局");
  });

  it("no name → no key", () => {
    expect(id.key("pingtan", null)).toBeNull();
    expect(id.key("pingtan", "   ")).toBeNull();
    expect(id.key("pingtan", "2024年政府信息公开工作年度报告")).toBeNull();
  });
});

describe("place stems and normalisation", () => {
  it("takes stems from region and portal name", () => {
    expect(portalPlaceStems({ name: "淮安市洪泽区人民政府", region: "江苏 淮安 洪泽" })).toEqual(expect.arrayContaining(["淮安", "洪泽", "江苏"]));
  });
  it("without a portal, bare and placed names stay distinct but stable", () => {
    expect(normalizeAgencyName("县政府办")).toBe("政府办");
    expect(normalizeAgencyName("栾川县人民政府办公室")).toBe("栾川县政府办");
    expect(agencyKey("x", "栾川县人民政府办公室", { portal: portals.find((p) => p.id === "luanchuan") })).toBe("x:政府办");
  });
  it("reportAgencyName falls back to the title", () => {
    expect(reportAgencyName({ agency: null, title: "平潭综合实验区2022年度政府信息公开工作年度报告" })).toBe("平潭综合实验区");
    expect(reportAgencyName({ agency: " 宿迁市人民政府 ", title: null })).toBe("宿迁市人民政府");
  });
});

describe("overrides (data/agency-overrides.json)", () => {
  it("an override decides what rules cannot (管委会 = the zone's government)", () => {
    const withOv = createIdentity({
      portals,
      overrides: [{ portalId: "pingtan", match: "平潭综合实验区管委会", key: "pingtan:政府", name: "平潭综合实验区" }],
    });
    expect(id.key("pingtan", "平潭综合实验区管委会")).not.toBe(id.key("pingtan", "平潭综合实验区"));
    expect(withOv.key("pingtan", "平潭综合实验区管委会")).toBe(withOv.key("pingtan", "平潭综合实验区"));
    expect(withOv.resolve("pingtan", "平潭综合实验区管委会")?.overridden).toBe(true);
    // Scoped to its portal.
    expect(withOv.key("huaian", "平潭综合实验区管委会")).toBe("huaian:平潭综合实验区管委会");
  });

  it("a portal-less regex override joins one body across portals", () => {
    const ov = createIdentity({ portals, overrides: [{ match: "/^(淮安市)?洪泽区(人民)?政府$/", key: "js-hongze", name: "淮安市洪泽区人民政府" }] });
    expect(ov.key("hongze", "淮安市洪泽区人民政府")).toBe("js-hongze");
    expect(ov.key("huaian", "洪泽区人民政府")).toBe("js-hongze");
    expect(ov.key("huaian", "洪泽区人民政府办公室")).toBe("huaian:洪泽区政府办");
  });

  it("bad override files are error values naming the problem", () => {
    const bad = parseOverrides('[{"match": "", "key": "k", "name": "n"}]', "ov.json");
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toContain("ov.json");
    expect(parseOverrides("{not json", "ov.json").ok).toBe(false);
    const badRe = parseOverrides('[{"match": "/([/", "key": "k", "name": "n"}]');
    expect(badRe.ok).toBe(false);
  });

  it("the shipped data/agency-overrides.json is valid", async () => {
    const text = await readFile(new URL("../../data/agency-overrides.json", import.meta.url), "utf8");
    const r = parseOverrides(text);
    expect(r.ok).toBe(true);
    expect((await loadOverrides("/nonexistent/dir/agency-overrides.json")).ok).toBe(true);
  });
});

describe("searchVariants", () => {
  it("gives the written, short and long official forms", async () => {
    const { searchVariants } = await import("../../src/agency/identity.js");
    expect(searchVariants("县政府办")).toEqual(["县政府办", "县人民政府办公室"]);
    expect(searchVariants("洪泽区政府")).toEqual(["洪泽区政府", "洪泽区人民政府"]);
    expect(searchVariants("沭阳县发改局")).toContain("沭阳县发展和改革局");
    expect(searchVariants("沭阳县发展和改革局")).toContain("沭阳县发改局");
  });
});
