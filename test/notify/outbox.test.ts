import { afterEach, describe, expect, it } from "vitest";
import { pino } from "pino";
import { CURSOR_KEY, enqueueDigests, fanOut, outboxKey, type FanoutDeps } from "../../src/notify/outbox.js";
import { chat, portal, sub, tempStore } from "./fixtures.js";
import { corpusEntries, reportFromEntry, stored } from "../support/reports.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe("fanOut", () => {
  it("enqueues one row per (chat, topic, event, part), skips inactive chats, and advances the cursor after enqueueing", async () => {
    const t = await tempStore();
    cleanups.push(t.cleanup);
    const { store } = t;
    const e = corpusEntries()[0]!;
    const r = stored(reportFromEntry(e), "sy");
    await store.putReport(r);
    await store.putChat(chat(1));
    await store.putChat(chat(2, { active: false, inactiveReason: "Forbidden: bot was blocked by the user" }));
    await store.putChat(chat(-3, { lang: "en" }));
    await store.addSubscription(sub(1, "all", ""));
    await store.addSubscription(sub(1, "agency", e.agency.slice(0, 3)));
    await store.addSubscription(sub(2, "all", ""));
    await store.addSubscription(sub(-3, "all", "", 5));
    await store.addSubscription(sub(-3, "all", "", 6));
    await store.addSubscription(sub(77, "all", "")); // subscriptions without a chat row count as an active chat
    const [ev] = await store.addEvents([
      { id: "new:x", kind: "new", at: new Date().toISOString(), portalId: "sy", reportIds: [r.id] },
      { id: "new:missing", kind: "new", at: new Date().toISOString(), portalId: "sy", reportIds: ["nope"] },
      { id: "noReport:sy", kind: "noReport", at: new Date().toISOString(), portalId: "sy", reportIds: [] },
    ]);
    const deps: FanoutDeps = {
      store,
      portals: () => [portal("sy", "沭阳县", "江苏 宿迁")],
      adminChatIds: [],
      tz: "Asia/Shanghai",
      now: () => new Date(),
      log: pino({ level: "silent" }),
    };
    expect(await fanOut(deps)).toBe(4);
    const keys = (await store.listOutbox()).map((o) => o.key).sort();
    expect(keys).toEqual([outboxKey(-3, 5, ev!.id, 0), outboxKey(-3, 6, ev!.id, 0), outboxKey(1, undefined, ev!.id, 0), outboxKey(77, undefined, ev!.id, 0)].sort());
    expect((await store.listOutbox({ chatId: -3 }))[0]!.text).toContain("New report");
    expect(await store.getMeta(CURSOR_KEY)).toBe(3);
    // Re-running from an older cursor (a crash before the cursor was saved) adds nothing.
    await store.setMeta(CURSOR_KEY, 0);
    expect(await fanOut(deps)).toBe(0);
    expect(await store.listOutbox()).toHaveLength(4);
  });

  it("digests: nothing new → no message, but the slot is recorded", async () => {
    const t = await tempStore();
    cleanups.push(t.cleanup);
    await t.store.putChat(chat(1, { digest: { mode: "weekly", time: "08:00" } }));
    await t.store.addSubscription(sub(1, "all", ""));
    const deps: FanoutDeps = { store: t.store, portals: () => [], adminChatIds: [], tz: "Asia/Shanghai", now: () => new Date(), log: pino({ level: "silent" }) };
    expect(await enqueueDigests(deps, new Date("2026-03-04T06:00:00Z"))).toBe(0);
    expect((await t.store.getChat(1))!.lastDigestAt).toBe("2026-03-02T00:00:00.000Z"); // Monday 08:00 Shanghai
    expect(await t.store.listOutbox()).toEqual([]);
  });

  it("digests list the subscribed agencies whose report for last year is overdue", async () => {
    const t = await tempStore();
    cleanups.push(t.cleanup);
    await t.store.putChat(chat(1, { digest: { mode: "daily", time: "08:00" } }));
    await t.store.putChat(chat(2, { digest: { mode: "daily", time: "08:00" } }));
    await t.store.addSubscription(sub(1, "region", "宿迁"));
    await t.store.addSubscription(sub(2, "agency", "平潭"));
    const asked: Date[] = [];
    const deps: FanoutDeps = {
      store: t.store,
      portals: () => [portal("sy", "沭阳县", "江苏 宿迁"), portal("pt", "平潭综合实验区", "福建 平潭")],
      adminChatIds: [],
      tz: "Asia/Shanghai",
      now: () => new Date(),
      log: pino({ level: "silent" }),
      overdue: async (now) => {
        asked.push(now);
        return [{ portalId: "sy", name: "沭阳县<发展和改革局>", year: 2025, deadline: "2026-01-31" }];
      },
    };
    const at = new Date("2026-04-02T01:00:00Z"); // 09:00 Shanghai, after the 08:00 slot
    expect(await enqueueDigests(deps, at)).toBe(1);
    expect(asked).toHaveLength(1); // one check per run, whatever the number of chats
    const [row] = await t.store.listOutbox({ chatId: 1 });
    expect(row!.text).toContain("逾期未发布上一年度年报：1 个机关");
    expect(row!.text).toContain("沭阳县&lt;发展和改革局&gt; 2025 年度（截止 2026-01-31）");
    // Chat 2 follows 平潭 only: nothing new and nothing overdue for it → no digest.
    expect(await t.store.listOutbox({ chatId: 2 })).toEqual([]);
  });
});

describe("year-on-year in the alert", () => {
  // Issue 8: the alert picked "the first 2023 row the store returned", /compare the newest copy;
  // with two copies of last year's report (a re-upload with corrected figures) they disagreed.
  it("uses the same previous report as /compare: the newest copy of last year's report of the same agency", async () => {
    const { compareReply } = await import("../../src/answer/history.js");
    const t = await tempStore();
    cleanups.push(t.cleanup);
    const { store } = t;
    const e = corpusEntries().find((x) => x.agency.includes("发展和改革局"))!;
    const p = portal("sy", "沭阳县人民政府", "江苏 宿迁 沭阳", "government");
    const base = reportFromEntry(e);
    const withNew = (n: number): typeof base => ({ ...base, requests: { ...base.requests, newReceived: [n, 0, 0, 0, 0, 0, n] } });
    const old2023 = stored({ ...withNew(11), year: 2023 }, "sy", { id: "a-2023-first", fetchedAt: "2024-01-10T00:00:00.000Z", publishedAt: "2024-01-10" });
    const fixed2023 = stored({ ...withNew(13), year: 2023 }, "sy", { id: "z-2023-reupload", fetchedAt: "2024-02-10T00:00:00.000Z", publishedAt: "2024-02-10" });
    const other2023 = stored({ ...withNew(99), year: 2023, agency: "沭阳县教育局", title: "沭阳县教育局2023年政府信息公开工作年度报告" }, "sy", { id: "b-2023-other" });
    const cur = stored({ ...withNew(20), year: 2024 }, "sy", { id: "c-2024", publishedAt: "2025-01-20" });
    await store.putReports([old2023, other2023, fixed2023, cur]);
    await store.putChat(chat(1));
    await store.addSubscription(sub(1, "all", ""));
    await store.addEvents([{ id: "new:c-2024", kind: "new", at: new Date().toISOString(), portalId: "sy", reportIds: [cur.id] }]);
    const deps: FanoutDeps = { store, portals: () => [p], adminChatIds: [], tz: "Asia/Shanghai", now: () => new Date(), log: pino({ level: "silent" }) };
    expect(await fanOut(deps)).toBeGreaterThan(0);
    const alert = (await store.listOutbox({ chatId: 1 })).map((o) => o.text).join("\n");
    expect(alert).toContain("新收申请：13 → 20");
    const compare = (await compareReply(store, "沭阳县发展和改革局", "zh")).join("\n");
    // /compare's 2023 column holds the same 13, never the first copy's 11 or the other agency's 99.
    expect(compare).toMatch(/新收申请[^\n]*13[^\n]*20/);
    expect(compare).not.toMatch(/新收申请[^\n]*\b11\b/);
  });
});
