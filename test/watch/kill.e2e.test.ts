import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { LowdbStore } from "../../src/store/lowdb.js";
import { reportIdFor } from "../../src/watch/cycle.js";
import type { PortalServer } from "../support/portal-server.js";
import { fixture, textArticle } from "../support/portal-server.js";
import { resources } from "./helpers.js";
import { PT_2022, PT_2024, ptList, startSite } from "./site.js";

const res = resources();
let srv: PortalServer | undefined;
afterEach(async () => {
  await res.cleanup();
  await srv?.close();
});

const CHILD = fileURLToPath(new URL("./cycle-child.ts", import.meta.url));

/** Runs one cycle in a child; kills it with SIGKILL `delayMs` after the server saw `killAt` requests. */
async function runChild(
  s: PortalServer,
  dir: string,
  portals: unknown,
  now: string,
  killAt?: { requests: number; delayMs: number },
): Promise<{ killed: boolean; summary?: { events: string[] } }> {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, dir, JSON.stringify(portals), now], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const base = s.requests.length;
  s.onRequest = killAt
    ? (_p, n) => {
        if (n - base === killAt.requests) setTimeout(() => child.kill("SIGKILL"), killAt.delayMs);
      }
    : undefined;
  const code = await new Promise<number | null>((r) => child.once("close", (c) => r(c)));
  s.onRequest = undefined;
  if (child.signalCode === "SIGKILL") return { killed: true };
  if (code !== 0) throw new Error(`child failed (${code}): ${err}`);
  return { killed: false, summary: JSON.parse(out) as { events: string[] } };
}

describe("kill during a cycle", () => {
  it("loses nothing and reports nothing twice after SIGKILL and restart", async () => {
    const site = await startSite();
    srv = site.srv;
    const s = site.srv;
    const portals = site.portals.filter((p) => p.id === "pt" || p.id === "gbk");
    const dir = await res.dir();
    // Baseline (complete).
    const first = await runChild(s, dir, portals, "2025-02-10T02:00:00.000Z");
    expect(first.summary?.events.sort()).toEqual(["baseline:gbk", "baseline:pt"]);

    // Six new reports appear and one known report is corrected.
    const fresh = Array.from({ length: 6 }, (_, i) => `/pt/202602/t2026020${i}_1.htm`);
    ptList(s, [
      ...fresh.map((p, i) => ({ path: p, title: `平潭综合实验区${2010 + i}年度政府信息公开工作年度报告` })),
      { path: PT_2024, title: "平潭综合实验区2024年度政府信息公开工作年度报告" },
      { path: PT_2022, title: "平潭综合实验区2022年度政府信息公开工作年度报告" },
    ]);
    fresh.forEach((p, i) => s.page(p, textArticle(fixture(i % 2 ? "003.txt" : "002.txt").toString("utf8")), { etag: true }));
    const fixed = fixture("004.txt").toString("utf8").replace("一、本年新收政府信息公开申请数量21710000218", "一、本年新收政府信息公开申请数量31710000318");
    s.page(PT_2024, textArticle(fixed), { etag: true });

    let kills = 0;
    let done = false;
    for (const [i, killAt] of [
      { requests: 3, delayMs: 0 },
      { requests: 2, delayMs: 6 },
      { requests: 4, delayMs: 12 },
    ].entries()) {
      const r = await runChild(s, dir, portals, `2025-02-10T0${3 + i}:00:00.000Z`, killAt);
      if (r.killed) kills++;
      else {
        done = true;
        break;
      }
    }
    expect(kills).toBeGreaterThanOrEqual(2);
    if (!done) await runChild(s, dir, portals, "2025-02-10T09:00:00.000Z");
    // One more full cycle: nothing left to report.
    const last = await runChild(s, dir, portals, "2025-02-10T10:00:00.000Z");
    expect(last.summary?.events).toEqual([]);

    const store = new LowdbStore(dir);
    await store.open();
    try {
      const events = await store.eventsAfter(0, 1e6);
      const idsOf = (kind: string) => events.filter((e) => e.kind === kind).map((e) => e.reportIds[0]);
      // Every new report stored once and announced exactly once.
      expect(idsOf("new").sort()).toEqual(fresh.map((p) => reportIdFor(s.url(p))).sort());
      expect(await store.countReports()).toBe(3 + 6);
      // The correction announced exactly once, with its changes.
      const upd = events.filter((e) => e.kind === "updated");
      expect(upd).toHaveLength(1);
      expect(upd[0]!.reportIds).toEqual([reportIdFor(s.url(PT_2024))]);
      expect(upd[0]!.figureChanges?.length).toBeGreaterThan(0);
      expect(events.filter((e) => e.kind === "baseline")).toHaveLength(2);
      expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
      for (const e of events) for (const id of e.reportIds) expect(await store.getReport(id)).not.toBeNull();
      expect(await store.getMeta("watch:journal:pt")).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
