import { describe, expect, it } from "vitest";
import { createIdentity } from "../../src/agency/identity.js";
import { portalsInRegion, rankPeers, robustOutliers } from "../../src/agency/peers.js";
import type { PortalEntry, StoredReport } from "../../src/store/types.js";
import { PORTALS, constructed, corpusReports } from "../support/reports.js";

/** A region of county portals, one report each, with 本机关不掌握 shares as given. */
function region(shares: { handled: number; noInfo: number }[], year = 2024): { portals: PortalEntry[]; reports: StoredReport[] } {
  const portals: PortalEntry[] = shares.map((_, i) => ({ id: `c${i}`, name: `第${i}县人民政府`, url: `http://c${i}.invalid/`, region: `江苏 测试 第${i}` }));
  const reports = shares.map((s, i) => constructed(`c${i}-${year}`, `c${i}`, `第${i}县人民政府`, year, { handled: s.handled, noInfo: s.noInfo }));
  return { portals, reports };
}

describe("robustOutliers", () => {
  it("flags a far value by MAD, not the bulk", () => {
    const f = robustOutliers([0.1, 0.12, 0.11, 0.09, 0.1, 0.13, 0.6]);
    expect([...f.keys()]).toEqual([6]);
    expect(f.get(6)?.direction).toBe("high");
  });
  it("falls back to IQR when MAD is 0, and flags nothing when all agree", () => {
    const iqr = robustOutliers([0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.2, 0.3, 0.9]);
    expect([...iqr.entries()].map(([i, f]) => [i, f.method, f.direction])).toEqual([[8, "iqr", "high"]]);
    expect(robustOutliers([0.2, 0.2, 0.2, 0.2, 0.2]).size).toBe(0);
  });
});

describe("rankPeers", () => {
  const base = [
    { handled: 100, noInfo: 10 },
    { handled: 80, noInfo: 9 },
    { handled: 120, noInfo: 14 },
    { handled: 60, noInfo: 6 },
    { handled: 90, noInfo: 11 },
    { handled: 70, noInfo: 8 },
  ];

  it("flags a constructed outlier (本机关不掌握 70 %) among peers near 11 %", () => {
    const { portals, reports } = region([...base, { handled: 100, noInfo: 70 }]);
    const r = rankPeers(reports, portals, createIdentity({ portals }), { region: "江苏 测试", figure: "noInfoShare" });
    expect(r.year).toBe(2024);
    expect(r.outliersTested).toBe(true);
    expect(r.rows[0]?.name).toBe("第6县人民政府");
    expect(r.rows[0]?.rank).toBe(1);
    expect(r.rows[0]?.value).toBeCloseTo(0.7);
    expect(r.rows[0]?.outlier?.direction).toBe("high");
    expect(r.rows.filter((x) => x.outlier)).toHaveLength(1);
  });

  it("does not flag small numbers: 3 of 4 requests is below the denominator floor", () => {
    const { portals, reports } = region([...base, { handled: 4, noInfo: 3 }]);
    const r = rankPeers(reports, portals, createIdentity({ portals }), { region: "江苏 测试", figure: "noInfoShare" });
    const small = r.rows.find((x) => x.name === "第6县人民政府");
    expect(small?.value).toBeCloseTo(0.75);
    expect(small?.eligible).toBe(false);
    expect(small?.outlier).toBeNull();
    expect(r.rows.some((x) => x.outlier)).toBe(false);
  });

  it("does not flag with fewer than 5 eligible peers", () => {
    const { portals, reports } = region([base[0]!, base[1]!, base[2]!, { handled: 100, noInfo: 70 }]);
    const r = rankPeers(reports, portals, createIdentity({ portals }), { region: "江苏 测试", figure: "noInfoShare" });
    expect(r.outliersTested).toBe(false);
    expect(r.rows.some((x) => x.outlier)).toBe(false);
    expect(r.rows).toHaveLength(4);
  });

  it("counts are ranked but never flagged", () => {
    const { portals, reports } = region([...base, { handled: 5000, noInfo: 10 }]);
    const r = rankPeers(reports, portals, createIdentity({ portals }), { region: "江苏", figure: "handled" });
    expect(r.rows[0]?.value).toBe(5000);
    expect(r.outliersTested).toBe(false);
  });

  it("ranks the real 江苏 reports of the latest year and lists those without it", () => {
    const reports = corpusReports();
    const r = rankPeers(reports, PORTALS, createIdentity({ portals: PORTALS }), { region: "江苏", figure: "newReceived" });
    expect(r.year).toBe(2024);
    expect(r.rows.map((x) => [x.name, x.value])).toEqual([
      ["宿迁市人民政府", 3525],
      ["淮安市洪泽区人民政府", 95],
    ]);
    expect(r.missing.map((m) => m.name)).toEqual(["沭阳县发展和改革局"]);
    const y23 = rankPeers(reports, PORTALS, createIdentity({ portals: PORTALS }), { region: "江苏 宿迁", figure: "newReceived", year: 2023 });
    expect(y23.rows.map((x) => x.portalId).sort()).toEqual(["shuyang-fgj", "suqian"]);
  });

  it("region prefix ignores spaces and does not match other provinces", () => {
    expect(portalsInRegion(PORTALS, "江苏宿迁").map((p) => p.id)).toEqual(["suqian", "shuyang-fgj"]);
    expect(portalsInRegion(PORTALS, "福建").map((p) => p.id)).toEqual(["pingtan"]);
  });
});
