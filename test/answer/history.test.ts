import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareReply, displayWidth, rankReply, trendChart } from "../../src/answer/history.js";
import { createIdentity } from "../../src/agency/identity.js";
import type { LowdbStore } from "../../src/store/lowdb.js";
import type { PortalEntry } from "../../src/store/types.js";
import { TELEGRAM_LIMIT } from "../../src/render/format.js";
import { PORTALS, constructed, corpusReports } from "../support/reports.js";
import { tempStore } from "../support/temp.js";

let store: LowdbStore;
let cleanup: () => Promise<void>;
const identity = createIdentity({ portals: PORTALS });
/** Commands take "now" as a parameter; tests never depend on the wall clock. */
const NOW = new Date("2025-06-01T00:00:00Z");

beforeAll(async () => {
  ({ store, cleanup } = await tempStore("history"));
  await store.putReports([
    ...corpusReports(),
    // Two bodies whose names both contain 民政局, for the ambiguity answer.
    constructed("mz-2024", "suqian", "宿迁市民政局", 2024, { newReceived: 12 }),
    constructed("symz-2024", "shuyang-fgj", "沭阳县民政局<b>", 2024, { newReceived: 3 }),
  ]);
});
afterAll(async () => {
  await cleanup();
});

/** Visible text of Telegram HTML. */
const visible = (html: string): string => html.replace(/<[^>]+>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&amp;/g, "&");

describe("compareReply", () => {
  it("洪泽区: 2023 and 2024 side by side, with the real swings", async () => {
    const msgs = await compareReply(store, "洪泽区人民政府", "zh", { identity });
    const text = msgs.map(visible).join("\n");
    expect(msgs[0]).toContain("<b>淮安市洪泽区人民政府</b> 2023–2024");
    const row = text.split("\n").find((l) => l.startsWith("新收申请"));
    expect(row?.split(/\s+/)).toEqual(["新收申请", "21", "95"]);
    const lic = text.split("\n").find((l) => l.startsWith("行政许可"));
    expect(lic?.split(/\s+/)).toEqual(["行政许可", "550", "9487"]);
    expect(text).toContain("跨年度检查");
    expect(text).toMatch(/行政许可：2023年 550 → 2024年 9487/);
    for (const m of msgs) expect(m.length).toBeLessThanOrEqual(TELEGRAM_LIMIT);
  });

  it("平潭: three years, no consecutive pair, English locale", async () => {
    const msgs = await compareReply(store, "平潭综合实验区", "en", { identity });
    const text = msgs.map(visible).join("\n");
    const head = text.split("\n").find((l) => l.startsWith("Figure"));
    expect(head?.split(/\s+/)).toEqual(["Figure", "2019", "2022", "2024"]);
    expect(text.split("\n").find((l) => l.startsWith("New requests"))?.split(/\s+/).slice(-3)).toEqual(["23", "74", "218"]);
    expect(text).not.toContain("Cross-year checks");
    expect(text).toContain("No consecutive years stored");
  });

  it("columns line up in monospace even with CJK labels", async () => {
    const msgs = await compareReply(store, "宿迁市人民政府", "zh", { identity });
    const pre = /<pre>([\s\S]*?)<\/pre>/.exec(msgs[0] ?? "")?.[1] ?? "";
    const lines = visible(pre).split("\n");
    const ends = new Set(lines.map((l) => displayWidth(l)));
    expect(lines.length).toBeGreaterThan(10);
    expect(ends.size).toBe(1);
  });

  it("unknown and ambiguous agencies get a clear answer; names are escaped", async () => {
    expect(visible((await compareReply(store, "不存在的机关", "zh", { identity }))[0] ?? "")).toContain("未找到机关“不存在的机关”");
    const amb = (await compareReply(store, "民政局", "zh", { identity })).join("\n");
    expect(amb).toContain("对应多个机关");
    expect(amb).toContain("suqian:民政局");
    expect(amb).toContain("沭阳县民政局&lt;b&gt;");
    expect(amb).not.toContain("民政局<b>");
  });

  it("accepts an agency key and a variant spelling", async () => {
    const byKey = await compareReply(store, "hongze:政府", "zh", { identity });
    expect(byKey[0]).toContain("淮安市洪泽区人民政府");
    const variant = await compareReply(store, "洪泽区政府", "zh", { identity });
    expect(variant[0]).toContain("淮安市洪泽区人民政府");
  });
});

describe("variant spellings", () => {
  it("县政府办 finds 栾川县人民政府办公室; with two counties it asks which", async () => {
    const t = await tempStore("history");
    try {
      const portals: PortalEntry[] = [
        { id: "luanchuan", name: "栾川县人民政府", url: "http://luanchuan.invalid/", region: "河南 洛阳 栾川" },
        { id: "songxian", name: "嵩县人民政府", url: "http://songxian.invalid/", region: "河南 洛阳 嵩县" },
      ];
      const ident = createIdentity({ portals });
      await t.store.putReports([constructed("lc-2022", "luanchuan", "栾川县人民政府办公室", 2022, { newReceived: 12 })]);
      const one = await compareReply(t.store, "县政府办", "zh", { identity: ident });
      expect(one[0]).toContain("<b>栾川县人民政府办公室</b> 2022");
      await t.store.putReports([constructed("sx-2022", "songxian", "嵩县人民政府办公室", 2022, { newReceived: 7 })]);
      const two = (await compareReply(t.store, "县政府办", "zh", { identity: ident })).join("\n");
      expect(two).toContain("对应多个机关");
      expect(two).toContain("luanchuan:政府办");
      expect(two).toContain("songxian:政府办");
    } finally {
      await t.cleanup();
    }
  });
});

describe("trendChart", () => {
  it("a PNG and a caption with every year of the span (gaps shown)", async () => {
    const r = await trendChart(store, "平潭综合实验区", "新收", "zh", { identity });
    if ("error" in r) throw new Error(r.error);
    expect(r.png.subarray(1, 4).toString("ascii")).toBe("PNG");
    expect(r.png.length).toBeGreaterThan(8_000);
    expect(r.caption).toContain("<b>平潭综合实验区</b> · 新收申请");
    expect(r.caption).toContain("2019: 23 · 2020: — · 2021: — · 2022: 74 · 2023: — · 2024: 218");
  });

  it("accepts English figure names and rates", async () => {
    const r = await trendChart(store, "淮安市洪泽区人民政府", "grantRate", "en", { identity });
    if ("error" in r) throw new Error(r.error);
    // (0 + 4) / 21 and (50 + 9) / 95.
    expect(r.caption).toContain("2023: 19.0% · 2024: 62.1%");
  });

  it("unknown figure or agency is an error value", async () => {
    const a = await trendChart(store, "平潭综合实验区", "xyz", "zh", { identity });
    expect("error" in a && a.error).toContain("不认识指标");
    const b = await trendChart(store, "无此机关", "新收", "zh", { identity });
    expect("error" in b && b.error).toContain("未找到");
  });
});

describe("rankReply", () => {
  it("ranks 江苏 by 新收 for the latest year and lists agencies without data", async () => {
    const msgs = await rankReply(store, PORTALS, "江苏", "新收", "zh", { identity, now: NOW });
    const lines = visible(msgs.join("\n")).split("\n");
    expect(lines[0]).toBe("江苏 · 新收申请 · 2024 年度");
    expect(lines[1]).toBe("1. 宿迁市人民政府 — 3525");
    expect(lines[2]).toBe("2. 淮安市洪泽区人民政府 — 95");
    expect(lines.join("\n")).toContain("无数据：沭阳县发展和改革局");
  });

  it("rates show n and say when there are too few peers to judge", async () => {
    const msgs = await rankReply(store, PORTALS, "江苏", "不掌握", "zh", { identity, now: NOW });
    const text = visible(msgs.join("\n"));
    expect(text).toMatch(/宿迁市人民政府 — \d+\.\d%（n=\d+）/);
    expect(text).toContain("未做异常判断");
  });

  it("flags a constructed outlier in a region of 7 agencies", async () => {
    const t = await tempStore("history");
    try {
      const portals: PortalEntry[] = Array.from({ length: 7 }, (_, i) => ({ id: `x${i}`, name: `第${i}区人民政府`, url: `http://x${i}.invalid/`, region: "浙江 测试" }));
      await t.store.putReports(
        portals.map((p, i) => constructed(`${p.id}-2024`, p.id, p.name, 2024, { handled: 100, noInfo: i === 6 ? 80 : 10 + i })),
      );
      const msgs = await rankReply(t.store, portals, "浙江 测试", "noInfoShare", "zh", { now: NOW });
      const text = visible(msgs.join("\n"));
      expect(text.split("\n")[1]).toBe("1. 第6区人民政府 — 80.0%（n=100） ⚠️ 偏高");
      expect(text.match(/⚠️/g)).toHaveLength(1);
    } finally {
      await t.cleanup();
    }
  });

  it("an explicit year; a region with no reports in the look-back window", async () => {
    const y = visible((await rankReply(store, PORTALS, "江苏", "新收", "zh", { identity, year: 2023 })).join("\n"));
    expect(y.split("\n")[0]).toBe("江苏 · 新收申请 · 2023 年度");
    expect(y).toContain("1. 宿迁市人民政府 — 3511");
    const none = await rankReply(store, PORTALS, "江苏", "新收", "zh", { identity, now: new Date("2040-01-01T00:00:00Z") });
    expect(visible(none[0] ?? "")).toContain("还没有年报");
  });

  it("unknown region or figure", async () => {
    expect(visible((await rankReply(store, PORTALS, "西藏", "新收", "zh", { identity }))[0] ?? "")).toContain("没有地区为“西藏”的门户");
    expect(visible((await rankReply(store, PORTALS, "江苏", "abc", "en", { identity }))[0] ?? "")).toContain("Unknown figure");
  });
});
