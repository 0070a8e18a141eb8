import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { annotateWithHistory, missingReports, previousYear } from "../../src/agency/analyze.js";
import { createIdentity } from "../../src/agency/identity.js";
import type { LowdbStore } from "../../src/store/lowdb.js";
import type { StoredReport } from "../../src/store/types.js";
import { PORTALS, constructed, corpus, corpusReports } from "../support/reports.js";
import { tempStore } from "../support/temp.js";

let store: LowdbStore;
let cleanup: () => Promise<void>;
const identity = createIdentity({ portals: PORTALS });

beforeEach(async () => {
  ({ store, cleanup } = await tempStore("agency"));
});
afterEach(async () => {
  await cleanup();
});

const rules = (r: StoredReport): string[] => r.report.findings.map((f) => f.rule);

describe("annotateWithHistory on real consecutive years", () => {
  it("洪泽区 2023 → 2024: key set, continuity holds, the swings are named with both years", async () => {
    await store.putReports([corpus("hongze-2023")]);
    const out = await annotateWithHistory(store, corpus("hongze-2024"), { identity });
    expect(out.agencyKey).toBe("hongze:政府");
    const xs = out.report.findings.filter((f) => f.rule.startsWith("xyear."));
    // Carry-over 0 = 0 and 现行有效 5 + 3 − 0 = 8 hold (records.json cross_year_checks).
    expect(xs.some((f) => f.rule === "xyear.carryOver" || f.rule === "xyear.validContinuity")).toBe(false);
    // 新收 21 → 95 and 行政许可 550 → 9487 are the swings of the real pair.
    const swings = xs.filter((f) => f.rule === "xyear.swing");
    const newReq = swings.find((f) => f.message.includes("新收"));
    expect(newReq?.message).toMatch(/2023年 21 → 2024年 95/);
    const lic = swings.find((f) => f.message.includes("行政许可"));
    expect(lic?.message).toMatch(/2023年 550 → 2024年 9487/);
    expect(lic?.severity).toBe("warning");
  });

  it("宿迁市 2023 → 2024 (clean pair): no carry-over or continuity findings", async () => {
    await store.putReports([corpus("suqian-2023")]);
    const out = await annotateWithHistory(store, corpus("suqian-2024"), { identity });
    expect(rules(out).filter((r) => r === "xyear.carryOver" || r === "xyear.validContinuity")).toEqual([]);
    const prev = await previousYear(store, out, identity);
    expect(prev?.id).toBe("suqian-2023");
  });

  it("平潭 2019 / 2022 / 2024: no consecutive year, so no cross-year findings", async () => {
    await store.putReports([corpus("pingtan-2019"), corpus("pingtan-2022")]);
    const out = await annotateWithHistory(store, corpus("pingtan-2024"), { identity });
    expect(out.agencyKey).toBe("pingtan:政府");
    expect(rules(out).filter((r) => r.startsWith("xyear."))).toEqual([]);
    // Published 2025-03-10, before the 31 March deadline of a government.
    expect(rules(out)).not.toContain("deadline.late");
  });
});

describe("annotateWithHistory on constructed series", () => {
  it("a broken carry-over names both years' cells; re-running does not duplicate", async () => {
    await store.putReports([constructed("a-2022", "suqian", "宿迁市民政局", 2022, { newReceived: 30, handled: 25, carriedForward: 5 })]);
    const cur = constructed("a-2023", "suqian", "宿迁市民政局", 2023, { newReceived: 30, handled: 33, carriedOver: 3 });
    const once = await annotateWithHistory(store, cur, { identity });
    const co = once.report.findings.filter((f) => f.rule === "xyear.carryOver");
    expect(co.length).toBeGreaterThan(0);
    const total = co.find((f) => f.cells?.includes("表三.carriedOver[6]"));
    expect(total?.message).toContain("2022年 结转下年度（总计）=5");
    expect(total?.message).toContain("2023年 上年结转（总计）=3");
    expect(total?.cells).toContain("上年.表三.carriedForward[6]");
    const twice = await annotateWithHistory(store, once, { identity });
    expect(twice.report.findings.filter((f) => f.rule.startsWith("xyear.")).length).toBe(once.report.findings.filter((f) => f.rule.startsWith("xyear.")).length);
    // Single-report findings are kept.
    const withOwn: StoredReport = { ...once, report: { ...once.report, findings: [...once.report.findings, { rule: "t3.balance", severity: "error", message: "x" }] } };
    const again = await annotateWithHistory(store, withOwn, { identity });
    expect(rules(again)).toContain("t3.balance");
  });

  it("finds last year under a different title spelling and picks the newest copy", async () => {
    const old = constructed("b-2022-old", "luan", "栾川县人民政府办公室", 2022, { newReceived: 10, carriedForward: 2 });
    const newer = { ...constructed("b-2022-new", "luan", "栾川县人民政府办公室", 2022, { newReceived: 10, carriedForward: 4 }), fetchedAt: "2024-01-01T00:00:00.000Z" };
    old.fetchedAt = "2023-02-01T00:00:00.000Z";
    newer.publishedAt = old.publishedAt;
    await store.putReports([old, newer]);
    const ident = createIdentity({ portals: [{ id: "luan", name: "栾川县人民政府", url: "http://luan.invalid/", region: "河南 洛阳 栾川" }] });
    const cur = constructed("b-2023", "luan", "县政府办", 2023, { newReceived: 10, carriedOver: 4 });
    const out = await annotateWithHistory(store, cur, { identity: ident });
    expect(out.agencyKey).toBe("luan:政府办");
    expect((await previousYear(store, out, ident))?.id).toBe("b-2022-new");
    expect(rules(out)).not.toContain("xyear.carryOver");
  });

  it("a different body with the same year is not last year's report", async () => {
    await store.putReports([constructed("c-2022", "suqian", "宿迁市财政局", 2022, { newReceived: 30, carriedForward: 9 })]);
    const out = await annotateWithHistory(store, constructed("d-2023", "suqian", "宿迁市民政局", 2023, { newReceived: 30, carriedOver: 0 }), { identity });
    expect(rules(out).filter((r) => r.startsWith("xyear."))).toEqual([]);
  });

  it("adds the deadline finding from publishedAt when the report lacked it", async () => {
    const late = { ...constructed("e-2023", "suqian", "宿迁市民政局", 2023, { newReceived: 5 }), publishedAt: "2024-02-15" };
    const out = await annotateWithHistory(store, late, { identity });
    const d = out.report.findings.filter((f) => f.rule === "deadline.late");
    expect(d).toHaveLength(1);
    expect(d[0]?.message).toContain("2024-01-31");
    const again = await annotateWithHistory(store, out, { identity });
    expect(again.report.findings.filter((f) => f.rule === "deadline.late")).toHaveLength(1);
  });
});

describe("missingReports", () => {
  it("lists agencies without last year's report once the deadline passed", async () => {
    await store.putReports([
      ...corpusReports(),
      constructed("m-2023", "suqian", "宿迁市民政局", 2023, { newReceived: 5 }),
      constructed("m-2024", "suqian", "宿迁市民政局", 2024, { newReceived: 5 }),
      constructed("f-2024", "suqian", "宿迁市财政局", 2024, { newReceived: 5 }),
    ]);
    const portals = [...PORTALS, { id: "empty", name: "某县人民政府", url: "http://empty.invalid/", region: "江苏 某" }];
    // 10 April 2025: 2024 reports of governments (31 March) and departments (31 January) are due.
    const m = await missingReports(store, portals, new Date("2025-04-10T00:00:00Z"), { identity: createIdentity({ portals }) });
    const keys = m.map((x) => `${x.portalId}|${x.agencyKey ?? "-"}|${x.year}`);
    expect(keys).toContain("shuyang-fgj|shuyang-fgj:发改局|2024");
    expect(keys).toContain("empty|-|2024");
    // Has 2024: 洪泽区, 宿迁市, 平潭, 民政局, 财政局.
    expect(keys.some((k) => k.startsWith("hongze|") || k.startsWith("pingtan|") || k === "suqian|suqian:政府|2024")).toBe(false);
    expect(keys.filter((k) => k.startsWith("suqian|"))).toEqual([]);
    // 15 February 2025: departments are late, governments not yet.
    const feb = await missingReports(store, portals, new Date("2025-02-15T00:00:00Z"), { identity: createIdentity({ portals }) });
    expect(feb.map((x) => x.portalId)).toEqual(["shuyang-fgj"]);
    expect(feb[0]?.deadline).toBe("2025-01-31");
  });
});
