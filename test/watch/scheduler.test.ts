import { afterEach, describe, expect, it } from "vitest";
import { createWatcher } from "../../src/watch/scheduler.js";
import { intervalMinutes, isDue, monthIn, nextCheckAt } from "../../src/watch/schedule.js";
import { PortalServer, listPage } from "../support/portal-server.js";
import { clock, memoryLog, resources, testConfig } from "./helpers.js";

const res = resources();
let srv: PortalServer | undefined;
afterEach(async () => {
  await res.cleanup();
  await srv?.close();
  srv = undefined;
});

describe("schedule (pure)", () => {
  it("uses the peak interval in peak months, in the configured time zone", () => {
    // 2025-04-30T17:00Z is already 1 May in Shanghai (off-peak), still April in UTC (peak).
    const t = new Date("2025-04-30T17:00:00Z");
    expect(monthIn(t, "Asia/Shanghai")).toBe(5);
    expect(monthIn(t, "UTC")).toBe(4);
    expect(intervalMinutes(t, testConfig)).toBe(1440);
    expect(intervalMinutes(t, { ...testConfig, TZ: "UTC" })).toBe(60);
  });
  it("spreads portals within 10 % of the interval and backs off failing ones up to a day", () => {
    const now = new Date("2025-02-10T00:00:00Z");
    const mins = (d: Date) => (d.getTime() - now.getTime()) / 60_000;
    const a = mins(nextCheckAt(now, testConfig, "a", 0));
    const b = mins(nextCheckAt(now, testConfig, "b", 0));
    expect(a).toBeGreaterThanOrEqual(60);
    expect(a).toBeLessThanOrEqual(66);
    expect(a).not.toBe(b);
    expect(mins(nextCheckAt(now, testConfig, "a", 1))).toBe(60);
    expect(mins(nextCheckAt(now, testConfig, "a", 3))).toBe(240);
    expect(mins(nextCheckAt(now, testConfig, "a", 30))).toBe(1440);
  });
  it("is due when never checked or when the time has come", () => {
    const now = new Date("2025-02-10T00:00:00Z");
    expect(isDue(null, now)).toBe(true);
    const st = { portalId: "a", nextCheckAt: "2025-02-10T00:00:01Z", lastCheckAt: null, lastOkAt: null, failures: 0, lastError: null, baselineDone: true, downAlerted: false, http: {} };
    expect(isDue(st, now)).toBe(false);
    expect(isDue({ ...st, nextCheckAt: "2025-02-09T23:59:59Z" }, now)).toBe(true);
  });
});

describe("createWatcher", () => {
  it("runOnce returns the summary and records it; a cron tick never overlaps a running cycle", async () => {
    srv = await PortalServer.start();
    const body = listPage([{ href: "./1.htm", title: "2024年度政府信息公开工作年度报告" }]);
    // A slow list page: a cycle (1.5 s) lasts longer than the 1 s cron period.
    srv.route("/nb/", (_q, r) => void setTimeout(() => r.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(body), 1500));
    srv.page("/nb/1.htm", "<p>维护中</p>");
    const store = await res.store();
    const c = clock();
    const w = createWatcher({
      store,
      fetcher: res.fetcher({ timeoutMs: 10_000 }),
      portals: async () => [{ id: "slow", name: "慢站", url: srv!.url("/nb/") }],
      config: { ...testConfig, POLL_CRON: "* * * * * *" },
      now: c.now,
      log: memoryLog(),
      parseWorkers: 0,
    });
    w.start();
    // Wait until the first tick's cycle has started, then until it ends.
    while (srv.count("/nb/") === 0) await new Promise((r) => setTimeout(r, 50));
    expect(w.busy).toBe(true);
    while (w.busy) await new Promise((r) => setTimeout(r, 50));
    await w.stop();
    // Ticks fired during the 1.5 s cycle were skipped, not queued or run in parallel.
    expect(srv.count("/nb/")).toBe(1);
    expect(await store.getMeta("watch:lastCycle")).toMatchObject({ portalsChecked: 1, baseline: 1 });
    // The portal is not due again until its next check: a due-only run skips it.
    const s = await w.runOnce({ dueOnly: true });
    expect(s.portalsChecked).toBe(0);
    c.advance(120);
    srv.page("/nb/", body);
    expect((await w.runOnce({ dueOnly: true })).portalsChecked).toBe(1);
  });
});
