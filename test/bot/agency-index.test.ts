import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LowdbStore } from "../../src/store/lowdb.js";
import type { StoredReport } from "../../src/store/types.js";
import { agencyGroups, buildGroups, INDEX_TTL_MS } from "../../src/bot/agency-index.js";
import { matchGroups } from "../../src/bot/queries.js";
import { fixtureReports } from "../support/reports.js";

const reports = fixtureReports();

describe("buildGroups / matchGroups", () => {
  const groups = buildGroups(reports);
  it("groups years of one agency, newest first, keeping only errors and warnings", () => {
    const hongze = groups.find((g) => g.name === "淮安市洪泽区人民政府")!;
    expect(hongze.reports.map((r) => r.report.year)).toEqual([2024, 2023]);
    expect(hongze.reports[1]!.issues.map((f) => f.severity)).toEqual(["warning", "error", "error"]);
    expect(groups.find((g) => g.name === "平潭综合实验区")!.reports.map((r) => r.report.year)).toEqual([2024, 2022, 2019]);
  });
  it("matches substrings, Traditional spellings and abbreviations; an exact name wins alone", () => {
    expect(matchGroups(groups, "洪泽").map((g) => g.name)).toEqual(["淮安市洪泽区人民政府"]);
    expect(matchGroups(groups, "平潭綜合實驗區").map((g) => g.name)).toEqual(["平潭综合实验区"]);
    expect(matchGroups(groups, "沭阳县发改局").map((g) => g.name)).toEqual(["沭阳县发展和改革局"]);
    expect(matchGroups(groups, "区").length).toBe(2);
    expect(matchGroups(groups, ".*")).toEqual([]);
  });
});

describe("agencyGroups (cached index over a real LowdbStore)", () => {
  let dir: string;
  let store: LowdbStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "nianbao-index-"));
    store = new LowdbStore(dir);
    await store.open();
    await store.putReports(reports.slice(0, 2));
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const other = (id: string, agency: string): StoredReport => ({ ...reports[0]!, id, report: { ...reports[0]!.report, agency } });

  it("is reused while nothing changed and rebuilt when a report or an event appears", async () => {
    const t = Date.now();
    const first = await agencyGroups(store, t);
    expect(await agencyGroups(store, t + 1000)).toBe(first);
    await store.putReport(other("n1", "新出现的局"));
    const second = await agencyGroups(store, t + 2000);
    expect(second).not.toBe(first);
    expect(second.some((g) => g.name === "新出现的局")).toBe(true);
    // Same count, but the watcher recorded an event (an updated report).
    await store.putReport(other("n1", "改名后的局"));
    await store.addEvents([{ id: "updated:n1:x", kind: "updated", at: new Date(t).toISOString(), portalId: "pingtan", reportIds: ["n1"] }]);
    expect((await agencyGroups(store, t + 3000)).some((g) => g.name === "改名后的局")).toBe(true);
  });

  it("a silent change (no event, same count) shows after the TTL", async () => {
    const t = Date.now();
    await agencyGroups(store, t);
    await store.putReport({ ...reports[0]!, report: { ...reports[0]!.report, agency: "悄悄改名的局" } });
    expect((await agencyGroups(store, t + 1000)).some((g) => g.name === "悄悄改名的局")).toBe(false);
    expect((await agencyGroups(store, t + INDEX_TTL_MS + 1)).some((g) => g.name === "悄悄改名的局")).toBe(true);
  });
});
