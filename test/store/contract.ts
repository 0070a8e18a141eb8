/**
 * The shared behavioural suite every Store driver must pass (modelled on unjs/unstorage's
 * `testDriver(opts)`): a driver's test file calls `testStoreDriver({ name, make, reopen })` and
 * gets the same `it` blocks as every other driver. `make` returns a fresh, opened, empty store;
 * `reopen` (close, then a new instance over the same data) adds the durability checks.
 * Driver-only behaviour (files, fsync, corruption, the lock) stays in that driver's own tests.
 */
import { describe, expect, it, afterEach } from "vitest";
import type { Chat, OutboxItem, PortalState, Store, Subscription, WatchEvent } from "../../src/store/types.js";
import { metaKey } from "../../src/store/meta.js";
import { sampleReport, sampleStored } from "../support/reports.js";

// The builders moved to the shared one; re-exported for drivers' test files that import them here.
export { sampleReport, sampleStored };

function portalState(portalId: string, over: Partial<PortalState> = {}): PortalState {
  return {
    portalId,
    nextCheckAt: null,
    lastCheckAt: null,
    lastOkAt: null,
    failures: 0,
    lastError: null,
    baselineDone: false,
    downAlerted: false,
    http: {},
    ...over,
  };
}

function chat(id: number, over: Partial<Chat> = {}): Chat {
  return {
    id,
    type: "private",
    active: true,
    lang: "zh",
    digest: { mode: "off", time: "08:00" },
    quiet: null,
    lastDigestAt: null,
    createdAt: "2024-01-01T00:00:00.000Z",
    ...over,
  };
}

function outbox(key: string, over: Partial<OutboxItem> = {}): OutboxItem {
  return {
    key,
    chatId: 1,
    eventId: "new:x",
    text: "hi",
    status: "pending",
    attempts: 0,
    notBefore: null,
    createdAt: "2024-01-01T00:00:00.000Z",
    sentAt: null,
    messageId: null,
    lastError: null,
    ...over,
  };
}

function ev(id: string, over: Partial<Omit<WatchEvent, "seq">> = {}): Omit<WatchEvent, "seq"> {
  return { id, kind: "new", at: "2024-02-01T00:00:00.000Z", portalId: "p1", reportIds: [id], ...over };
}

export interface DriverOptions {
  /** Shown in the describe block. */
  name: string;
  /** A fresh, opened, empty store. */
  make: () => Promise<Store>;
  /** Closes `s` and returns a new, opened instance over the same data (omit for no persistence). */
  reopen?: (s: Store) => Promise<Store>;
}

/** Registers the contract's `it` blocks for one driver. */
export function testStoreDriver(opts: DriverOptions): void {
  const { name, make: makeStore } = opts;
  describe(`Store contract: ${name}`, () => {
    const open: Store[] = [];
    const fresh = async () => {
      const s = await makeStore();
      open.push(s);
      return s;
    };
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close();
    });

    it("keeps portal states by id and returns copies", async () => {
      const s = await fresh();
      expect(await s.getPortalState("a")).toBeNull();
      await s.putPortalState(portalState("a", { failures: 2, http: { "http://x/": { etag: '"1"' } } }));
      await s.putPortalState(portalState("b"));
      const a = await s.getPortalState("a");
      expect(a?.failures).toBe(2);
      expect(a?.http["http://x/"]?.etag).toBe('"1"');
      a!.failures = 99;
      expect((await s.getPortalState("a"))?.failures).toBe(2);
      await s.putPortalState(portalState("a", { failures: 0 }));
      const all = await s.listPortalStates();
      expect(all.map((p) => p.portalId).sort()).toEqual(["a", "b"]);
      expect(all.find((p) => p.portalId === "a")?.failures).toBe(0);
    });

    it("inserts, replaces, finds and counts reports", async () => {
      const s = await fresh();
      expect(await s.getReport("r1")).toBeNull();
      await s.putReport(sampleStored("r1"));
      await s.putReports([
        sampleStored("r2", { portalId: "p2", report: sampleReport({ year: 2022, agency: "某市发展和改革委员会" }) }),
        sampleStored("r3", { agencyKey: "k3", report: sampleReport({ year: 2021, title: "乙镇2021年年报", agency: null }) }),
      ]);
      expect(await s.countReports()).toBe(3);
      await s.putReport(sampleStored("r1", { contentHash: "b".repeat(64) }));
      expect(await s.countReports()).toBe(3);
      expect((await s.getReport("r1"))?.contentHash).toBe("b".repeat(64));
      expect((await s.findReports({ year: 2022 })).map((r) => r.id)).toEqual(["r2"]);
      expect((await s.findReports({ portalId: "p1" })).map((r) => r.id).sort()).toEqual(["r1", "r3"]);
      expect((await s.findReports({ agency: "发展和改革" })).map((r) => r.id)).toEqual(["r2"]);
      expect((await s.findReports({ agency: "乙镇" })).map((r) => r.id)).toEqual(["r3"]);
      expect((await s.findReports({ agencyKey: "k3" })).map((r) => r.id)).toEqual(["r3"]);
      expect(await s.findReports({ year: 1999 })).toEqual([]);
      const got = await s.getReport("r2");
      got!.report.year = 1;
      expect((await s.getReport("r2"))?.report.year).toBe(2022);
    });

    it("lists report heads (kept current on put, findReports order) and reads reports by ids", async () => {
      const s = await fresh();
      expect(await s.listReportHeads()).toEqual([]);
      await s.putReports([
        sampleStored("r1", {
          report: sampleReport({
            publishedAt: "2024-01-15",
            findings: [
              { rule: "t3.balance", severity: "error", message: "不平" },
              { rule: "x.note", severity: "info", message: "说明" },
              { rule: "t2.y", severity: "warning", message: "偏高" },
            ],
          }),
        }),
        sampleStored("r2", { portalId: "p2", agencyKey: "p2:发改委", report: sampleReport({ year: 2022, agency: "某市发展和改革委员会" }) }),
      ]);
      const heads = await s.listReportHeads();
      expect(heads.map((h) => h.id)).toEqual((await s.findReports({})).map((r) => r.id));
      expect(heads[0]).toEqual({
        id: "r1",
        url: "http://127.0.0.1/r1.html",
        portalId: "p1",
        agencyKey: null,
        fetchedAt: "2024-02-01T00:00:00.000Z",
        publishedAt: "2024-01-20",
        report: { title: "某县2023年政府信息公开工作年度报告", agency: "某县人民政府", year: 2023, publishedAt: "2024-01-15" },
        issues: [
          { rule: "t3.balance", severity: "error", message: "不平" },
          { rule: "t2.y", severity: "warning", message: "偏高" },
        ],
        findingCounts: { error: 1, warning: 1, info: 1 },
      });
      expect(heads[1]).toMatchObject({ portalId: "p2", agencyKey: "p2:发改委", report: { year: 2022, agency: "某市发展和改革委员会" } });
      // Heads are shared: changing one must not be possible.
      expect(() => {
        (heads[0] as { portalId: string }).portalId = "x";
      }).toThrow();
      await s.putReport(sampleStored("r1", { portalId: "p3", report: sampleReport({ year: 2020 }) }));
      await s.putReport(sampleStored("r3"));
      const again = await s.listReportHeads();
      expect(again.map((h) => [h.id, h.portalId, h.report.year])).toEqual([
        ["r1", "p3", 2020],
        ["r2", "p2", 2022],
        ["r3", "p1", 2023],
      ]);
      expect(again.find((h) => h.id === "r1")?.findingCounts).toEqual({ error: 0, warning: 0, info: 0 });
      const got = await s.getReports(["r3", "nope", "r1"]);
      expect(got.map((r) => r.id)).toEqual(["r3", "r1"]);
      got[0]!.report.year = 1;
      expect((await s.getReport("r3"))?.report.year).toBe(2023);
      expect(await s.getReports([])).toEqual([]);
    });

    it("finds report heads exactly as findReports finds reports", async () => {
      const s = await fresh();
      await s.putReports([
        sampleStored("a1", { agencyKey: "p1:民政局", report: sampleReport({ agency: "甲县民政局", title: "甲县民政局2023年年报" }) }),
        sampleStored("a2", { portalId: "p2", report: sampleReport({ agency: null, title: "乙镇人民政府2022年年报", year: 2022 }) }),
        sampleStored("a3", { portalId: "p2", report: sampleReport({ agency: "丙市民政局", title: null }) }),
        sampleStored("a4", { report: sampleReport({ agency: "民政", title: "局年报" }) }),
      ]);
      const queries = [
        {},
        { agency: "民政局" },
        { agency: "  民政局 " },
        { agency: "年报", year: 2022 },
        { agency: "民政\u0000局" },
        { agency: "民政局", portalId: "p2" },
        { agencyKey: "p1:民政局" },
        { portalId: "p1" },
        { agency: "不存在" },
      ];
      for (const q of queries) {
        const ids = (await s.findReports(q)).map((r) => r.id);
        expect((await s.findReportHeads(q)).map((h) => h.id), JSON.stringify(q)).toEqual(ids);
      }
      expect((await s.findReportHeads({ agency: "民政局" })).map((h) => h.id)).toEqual(["a1", "a3"]);
      // The joined agency/title form: "民政\0局" spans the agency and the title of a4.
      expect((await s.findReportHeads({ agency: "民政\u0000局" })).map((h) => h.id)).toEqual(["a4"]);
    });

    it("stores raw bytes by hash, idempotently", async () => {
      const s = await fresh();
      const hash = "0123456789abcdef".repeat(4);
      expect(await s.getRaw(hash)).toBeNull();
      const bytes = new Uint8Array([0xd5, 0xfe, 0x00, 0xff, 1, 2, 3]);
      await Promise.all([s.putRaw(hash, bytes), s.putRaw(hash, bytes)]);
      await s.putRaw(hash, bytes);
      expect(Array.from((await s.getRaw(hash))!)).toEqual(Array.from(bytes));
      await expect(s.putRaw("../../etc/passwd", bytes)).rejects.toThrow(/hash/);
    });

    it("adds events idempotently with increasing seq", async () => {
      const s = await fresh();
      const a = await s.addEvents([ev("new:1"), ev("new:2"), ev("new:1")]);
      expect(a.map((e) => e.id)).toEqual(["new:1", "new:2"]);
      expect(a[1]!.seq).toBeGreaterThan(a[0]!.seq);
      const b = await s.addEvents([ev("new:2"), ev("updated:1:h", { kind: "updated", changes: ["新收 1 → 2"] })]);
      expect(b.map((e) => e.id)).toEqual(["updated:1:h"]);
      expect(b[0]!.seq).toBeGreaterThan(a[1]!.seq);
      expect(await s.addEvents([ev("new:1")])).toEqual([]);
      const all = await s.eventsAfter(0);
      expect(all.map((e) => e.id)).toEqual(["new:1", "new:2", "updated:1:h"]);
      expect(all[2]!.changes).toEqual(["新收 1 → 2"]);
      expect((await s.eventsAfter(a[0]!.seq)).map((e) => e.id)).toEqual(["new:2", "updated:1:h"]);
      expect((await s.eventsAfter(0, 2)).map((e) => e.id)).toEqual(["new:1", "new:2"]);
    });

    it("keeps typed meta values (fixed keys and per-portal families) as copies", async () => {
      const s = await fresh();
      expect(await s.getMeta("watch:unparsed:p1")).toBeUndefined();
      const notes = { "http://127.0.0.1/a": { hash: null, code: "no-table", message: "没有表格", at: "2024-01-01T00:00:00.000Z" } };
      await s.setMeta(metaKey.unparsed("p1"), notes);
      notes["http://127.0.0.1/a"].code = "changed";
      const got = await s.getMeta(metaKey.unparsed("p1"));
      expect(got?.["http://127.0.0.1/a"]?.code).toBe("no-table");
      got!["http://127.0.0.1/a"]!.code = "changed too";
      expect((await s.getMeta("watch:unparsed:p1"))?.["http://127.0.0.1/a"]?.code).toBe("no-table");
      // Families are per portal.
      expect(await s.getMeta(metaKey.unparsed("p2"))).toBeUndefined();
      await s.setMeta(metaKey.baselineTries("p1"), 2);
      const tries: number | undefined = await s.getMeta(metaKey.baselineTries("p1"));
      expect(tries).toBe(2);
      await s.setMeta("notifier.cursor", 3);
      await s.setMeta("notifier.cursor", 4);
      expect(await s.getMeta("notifier.cursor")).toBe(4);
      // Keys and value types are checked at compile time (tsc runs over test/ too).
      // @ts-expect-error an unknown key
      await expect(s.getMeta("no-such-key")).resolves.toBeUndefined();
      // @ts-expect-error a value of the wrong type
      await s.setMeta("notifier.cursor", "5");
    });

    it("keeps chats and subscriptions, deduplicating by chat/thread/kind/value", async () => {
      const s = await fresh();
      await s.putChat(chat(1));
      await s.putChat(chat(2, { type: "group", title: "群" }));
      expect((await s.getChat(2))?.title).toBe("群");
      expect(await s.getChat(3)).toBeNull();
      expect((await s.listChats()).length).toBe(2);
      const sub = (over: Partial<Subscription> = {}): Subscription => ({
        chatId: 1,
        kind: "agency",
        value: "平潭",
        createdAt: "2024-01-01T00:00:00.000Z",
        ...over,
      });
      expect(await s.addSubscription(sub())).toBe(true);
      expect(await s.addSubscription(sub())).toBe(false);
      expect(await s.addSubscription(sub({ threadId: 7 }))).toBe(true);
      expect(await s.addSubscription(sub({ chatId: 2, kind: "all", value: "" }))).toBe(true);
      expect((await s.listSubscriptions(1)).length).toBe(2);
      expect((await s.listSubscriptions()).length).toBe(3);
      expect(await s.removeSubscription(1, "agency", "平潭", 7)).toBe(true);
      expect(await s.removeSubscription(1, "agency", "平潭", 7)).toBe(false);
      expect((await s.listSubscriptions(1)).map((x) => x.threadId)).toEqual([undefined]);
    });

    it("migrates a chat with its subscriptions and unsent outbox", async () => {
      const s = await fresh();
      await s.putChat(chat(-5, { type: "group" }));
      await s.addSubscription({ chatId: -5, kind: "all", value: "", createdAt: "2024-01-01T00:00:00.000Z" });
      await s.enqueue([
        outbox("-5:new:a:0", { chatId: -5 }),
        outbox("-5:new:b:0", { chatId: -5, status: "sent", sentAt: new Date().toISOString() }),
      ]);
      await s.migrateChat(-5, -1005);
      expect(await s.getChat(-5)).toBeNull();
      expect((await s.getChat(-1005))?.type).toBe("supergroup");
      expect((await s.listSubscriptions(-1005)).length).toBe(1);
      expect(await s.listSubscriptions(-5)).toEqual([]);
      expect((await s.listOutbox({ chatId: -1005 })).map((o) => o.key)).toEqual(["-1005:new:a:0"]);
      await s.updateOutbox("-1005:new:a:0", { status: "sent" });
      expect((await s.listOutbox({ status: "sent", chatId: -1005 })).length).toBe(1);
    });

    it("enqueues by key once and serves due items oldest first", async () => {
      const s = await fresh();
      const now = new Date("2024-02-01T00:00:00Z");
      expect(
        await s.enqueue([
          outbox("k1"),
          outbox("k2", { notBefore: "2024-02-01T00:10:00.000Z" }),
          outbox("k3", { notBefore: "2024-01-31T00:00:00.000Z" }),
          outbox("k1"),
        ]),
      ).toBe(3);
      expect(await s.enqueue([outbox("k1"), outbox("k4")])).toBe(1);
      expect((await s.duePending(now, 10)).map((o) => o.key)).toEqual(["k1", "k3", "k4"]);
      expect((await s.duePending(now, 2)).map((o) => o.key)).toEqual(["k1", "k3"]);
      await s.updateOutbox("k1", { status: "sent", sentAt: now.toISOString(), messageId: 5, key: "ignored" });
      expect((await s.duePending(now, 10)).map((o) => o.key)).toEqual(["k3", "k4"]);
      expect((await s.listOutbox({ status: "sent" }))[0]?.messageId).toBe(5);
      expect((await s.duePending(new Date("2024-02-01T00:10:00Z"), 10)).map((o) => o.key)).toContain("k2");
      await expect(s.updateOutbox("nope", { status: "failed" })).rejects.toThrow(/nope/);
    });

    it("replaces a report in place: heads keep their position and the old head is gone", async () => {
      const s = await fresh();
      await s.putReports([sampleStored("a"), sampleStored("b", { portalId: "p2" }), sampleStored("c")]);
      const before = await s.listReportHeads();
      await s.putReport(sampleStored("b", { portalId: "p1", agencyKey: "k", report: sampleReport({ agency: "新名字" }) }));
      const after = await s.listReportHeads();
      expect(after.map((h) => h.id)).toEqual(["a", "b", "c"]);
      expect(after).not.toBe(before);
      expect(Object.isFrozen(after)).toBe(true);
      expect((await s.findReportHeads({ portalId: "p2" })).map((h) => h.id)).toEqual([]);
      expect((await s.findReportHeads({ portalId: "p1" })).map((h) => h.id)).toEqual(["a", "b", "c"]);
      expect((await s.findReportHeads({ agency: "新名字" })).map((h) => h.id)).toEqual(["b"]);
      expect((await s.findReportHeads({ agencyKey: "k" })).map((h) => h.id)).toEqual(["b"]);
      expect(await s.countReports()).toBe(3);
    });

    it("keeps seq monotonic across batches and honours limits (0 included)", async () => {
      const s = await fresh();
      const a = await s.addEvents([ev("e1"), ev("e2")]);
      const b = await s.addEvents([ev("e3")]);
      const seqs = [...a, ...b].map((e) => e.seq);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      expect(new Set(seqs).size).toBe(3);
      expect(await s.eventsAfter(0, 0)).toEqual([]);
      expect(await s.eventsAfter(b[0]!.seq)).toEqual([]);
      const got = await s.eventsAfter(0, 1);
      got[0]!.reportIds.push("changed");
      expect((await s.eventsAfter(0, 1))[0]!.reportIds).toEqual(["e1"]);
      expect(await s.addEvents([])).toEqual([]);
    });

    it("migrates a chat onto an existing target: the target's settings win, no duplicate subscriptions", async () => {
      const s = await fresh();
      await s.putChat(chat(-7, { type: "group", lang: "en", title: "旧群" }));
      await s.putChat(chat(-1007, { type: "supergroup", lang: "zh", active: false }));
      const sub = { kind: "all" as const, value: "", createdAt: "2024-01-01T00:00:00.000Z" };
      await s.addSubscription({ chatId: -7, ...sub });
      await s.addSubscription({ chatId: -7, kind: "keyword", value: "平潭", createdAt: sub.createdAt });
      await s.addSubscription({ chatId: -1007, ...sub });
      await s.migrateChat(-7, -1007);
      expect(await s.getChat(-7)).toBeNull();
      expect(await s.getChat(-1007)).toMatchObject({ id: -1007, type: "supergroup", lang: "zh", active: true, title: "旧群" });
      expect((await s.listSubscriptions(-1007)).map((x) => x.kind).sort()).toEqual(["all", "keyword"]);
      expect(await s.listSubscriptions(-7)).toEqual([]);
      // Migrating a chat the store does not know moves nothing and does not fail.
      await s.migrateChat(-8, -1008);
      expect(await s.getChat(-1008)).toBeNull();
    });

    it("patches outbox rows: undefined clears a field, the key never changes, limit 0 is empty", async () => {
      const s = await fresh();
      await s.enqueue([outbox("k1", { lastError: "429", notBefore: "2024-01-01T00:00:00.000Z", threadId: 3 })]);
      await s.updateOutbox("k1", { lastError: null, notBefore: null, threadId: undefined, attempts: 2 });
      const [row] = await s.listOutbox();
      expect(row).toMatchObject({ key: "k1", lastError: null, notBefore: null, attempts: 2 });
      expect(row && "threadId" in row).toBe(false);
      expect(await s.duePending(new Date("2024-02-01T00:00:00Z"), 0)).toEqual([]);
      // A row handed out is a copy.
      row!.status = "sent";
      expect((await s.listOutbox({ status: "pending" })).length).toBe(1);
      // Dedupe holds whatever the existing row's status.
      await s.updateOutbox("k1", { status: "failed" });
      expect(await s.enqueue([outbox("k1")])).toBe(0);
      expect((await s.listOutbox({ status: "failed" })).map((o) => o.key)).toEqual(["k1"]);
    });

    it("prunes sent rows past retention when new rows arrive", async () => {
      const s = await fresh();
      const old = new Date(Date.now() - 40 * 24 * 3600 * 1000).toISOString();
      const recent = new Date(Date.now() - 24 * 3600 * 1000).toISOString();
      await s.enqueue([outbox("old", { status: "sent", sentAt: old }), outbox("recent", { status: "sent", sentAt: recent }), outbox("p")]);
      await s.enqueue([outbox("new")]);
      expect((await s.listOutbox()).map((o) => o.key)).toEqual(["recent", "p", "new"]);
    });

    it("refuses use before open", async () => {
      const s = await fresh();
      await s.close();
      await expect(s.getChat(1)).rejects.toThrow(/not open/);
      await expect(s.enqueue([outbox("x")])).rejects.toThrow(/not open/);
      await s.open();
      expect(await s.getChat(1)).toBeNull();
    });

    if (opts.reopen) {
      const reopen = opts.reopen;
      it("keeps everything across close and reopen", async () => {
        const s = await fresh();
        await s.putPortalState(portalState("a", { baselineDone: true }));
        await s.putReport(sampleStored("r1"));
        await s.putRaw("f".repeat(64), new Uint8Array([1, 2]));
        await s.addEvents([ev("new:r1")]);
        await s.setMeta("notifier.cursor", 1);
        await s.putChat(chat(9));
        await s.enqueue([outbox("9:e:0", { chatId: 9 })]);
        const t = await reopen(s);
        open.push(t);
        expect((await t.getPortalState("a"))?.baselineDone).toBe(true);
        expect((await t.getReport("r1"))?.report.year).toBe(2023);
        expect(await t.getRaw("f".repeat(64))).toEqual(new Uint8Array([1, 2]));
        expect(await t.addEvents([ev("new:r1")])).toEqual([]);
        const [next] = await t.addEvents([ev("new:r2")]);
        expect(next!.seq).toBeGreaterThan((await t.eventsAfter(0))[0]!.seq);
        expect(await t.getMeta("notifier.cursor")).toBe(1);
        expect((await t.getChat(9))?.id).toBe(9);
        expect(await t.enqueue([outbox("9:e:0", { chatId: 9 })])).toBe(0);
      });
    }
  });
}
