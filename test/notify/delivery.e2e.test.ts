/**
 * End-to-end delivery: LowdbStore in a temp dir → createNotifier → grammy Api → the Bot API
 * emulator over real HTTP on 127.0.0.1.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Api } from "grammy";
import { pino } from "pino";
import { Writable } from "node:stream";
import { LowdbStore } from "../../src/store/lowdb.js";
import type { PortalEntry, StoredReport, WatchEvent } from "../../src/store/types.js";
import { createNotifier, type NotifierDeps } from "../../src/notify/notifier.js";
import { CURSOR_KEY } from "../../src/notify/outbox.js";
import { TelegramEmulator, TELEGRAM_LIKE_LIMITS, parseTelegramHtml } from "../support/telegram-emulator.js";
import { chat, portal, sub, tempStore } from "./fixtures.js";
import { corpusEntries, finding, reportFromEntry, stored } from "../support/reports.js";

const entries = corpusEntries();
const shuyang = entries.find((e) => e.agency === "沭阳县发展和改革局")!;
const pingtan = entries.filter((e) => e.agency === "平潭综合实验区");
const PORTALS: PortalEntry[] = [portal("sy", "沭阳县", "江苏 宿迁 沭阳", "department"), portal("pt", "平潭综合实验区", "福建 平潭", "government")];
const FAST = { perChatPerSec: 50, perGroupPerMin: 1000, globalPerSec: 200 };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function harness(opts: { emuLimits?: typeof TELEGRAM_LIKE_LIMITS; deps?: Partial<NotifierDeps> } = {}) {
  const emu = await TelegramEmulator.start(opts.emuLimits ? { limits: opts.emuLimits } : {});
  const t = await tempStore();
  cleanups.push(t.cleanup, () => emu.stop());
  const api = new Api(emu.token, { apiRoot: emu.apiRoot });
  const make = (store = t.store, extra: Partial<NotifierDeps> = {}) =>
    createNotifier({
      store,
      portals: () => PORTALS,
      api,
      adminChatIds: [9001],
      log: pino({ level: "silent" }),
      limits: FAST,
      backoffBaseMs: 10,
      maxInlineWaitMs: 3000,
      ...opts.deps,
      ...extra,
    });
  return { emu, store: t.store, dir: t.dir, api, make };
}

let evSeq = 0;
async function addNew(store: LowdbStore, r: StoredReport, kind: WatchEvent["kind"] = "new", extra: Partial<WatchEvent> = {}) {
  await store.putReport(r);
  const [ev] = await store.addEvents([
    { id: `${kind}:${r.id}:${++evSeq}`, kind, at: new Date().toISOString(), portalId: r.portalId, reportIds: [r.id], ...extra },
  ]);
  return ev!;
}

describe("delivery through the Bot API emulator", () => {
  it("a subscribed group gets the alert with the right figures, once, in the right topic; a restart sends nothing again", async () => {
    const { emu, store, dir, make } = await harness();
    emu.addChat({ id: -100, type: "supergroup", title: "宿迁观察" });
    emu.addChat({ id: -200, type: "supergroup", title: "论坛", is_forum: true });
    emu.addChat({ id: 300, type: "private" });
    await store.putChat(chat(-100));
    await store.putChat(chat(-200));
    await store.putChat(chat(300));
    await store.addSubscription(sub(-100, "agency", "发展和改革"));
    await store.addSubscription(sub(-100, "region", "宿迁")); // second match: still one copy
    await store.addSubscription(sub(-200, "keyword", "沭阳", 7));
    await store.addSubscription(sub(300, "agency", "教育局")); // no match
    const r = stored(reportFromEntry(shuyang, [finding("error", "表三 勾稽关系不平：一+二≠三(七)+四")]), "sy", { publishedAt: "2024-01-10" });
    await addNew(store, r);

    const res = await make().pump();
    expect(res).toMatchObject({ enqueued: 2, sent: 2, failed: 0 });
    const [m] = emu.messages(-100);
    expect(emu.messages(-100)).toHaveLength(1);
    expect(m!.parse_mode).toBe("HTML");
    expect(m!.plain).toContain(`新年报：${shuyang.agency} ${shuyang.year} 年度`);
    expect(m!.plain).toContain(`新收申请：${shuyang.table3!.newReceived![6]} 件`);
    expect(m!.plain).toContain("❌ 表三 勾稽关系不平");
    expect(emu.messages(-200, 7)).toHaveLength(1);
    expect(emu.messages(300)).toHaveLength(0);
    const rows = await store.listOutbox();
    expect(rows.map((x) => [x.key, x.status, x.messageId])).toEqual(
      expect.arrayContaining([
        [expect.stringMatching(/^-100:0:new:/), "sent", m!.message_id],
        [expect.stringMatching(/^-200:7:new:/), "sent", 1],
      ]),
    );

    // Restart: a new store instance on the same files and a new notifier.
    await store.close();
    const again = new LowdbStore(dir);
    await again.open();
    cleanups.push(() => again.close());
    const res2 = await make(again).pump();
    expect(res2).toMatchObject({ enqueued: 0, sent: 0 });
    expect(emu.messages(-100)).toHaveLength(1);
    // A crash between enqueue and cursor: rewinding the cursor re-enqueues nothing new.
    await again.setMeta(CURSOR_KEY, 0);
    expect((await make(again).pump()).enqueued).toBe(0);
    expect(emu.calls.filter((c) => c.method === "sendMessage")).toHaveLength(2);
  });

  it("429 with a fractional retry_after waits and delivers; a long one is stored as notBefore and the rest continue", async () => {
    const { emu, store, make } = await harness();
    for (const id of [1, 2, 3]) {
      emu.addChat({ id, type: "private" });
      await store.putChat(chat(id));
      await store.addSubscription(sub(id, "all", ""));
    }
    emu.failNext("sendMessage", 1, { code: 429, description: "Too Many Requests: retry after 0.3", retry_after: 0.3 });
    await addNew(store, stored(reportFromEntry(shuyang), "sy"));
    const n = make(store, { concurrency: 1 });
    const res = await n.pump();
    expect(res.sent).toBe(3);
    expect(res.drain.rateLimited).toBe(1);
    for (const id of [1, 2, 3]) expect(emu.messages(id)).toHaveLength(1);

    const before = Date.now();
    emu.failNext("sendMessage", 1, { code: 429, description: "Too Many Requests: retry after 120", retry_after: 120 });
    await addNew(store, stored(reportFromEntry(pingtan[0]!), "pt"));
    const res2 = await n.pump();
    expect(res2.sent).toBe(2);
    const waiting = await store.listOutbox({ status: "pending" });
    expect(waiting).toHaveLength(1);
    expect(Date.parse(waiting[0]!.notBefore!)).toBeGreaterThanOrEqual(before + 119_000);
    expect(waiting[0]!.lastError).toMatch(/Too Many Requests/);
    const delivered = [1, 2, 3].filter((id) => emu.messages(id).length === 2);
    expect(delivered).toHaveLength(2);
  });

  it("403 marks the chat inactive (kept, reversible), fails its rows, and others still get theirs", async () => {
    const { emu, store, make } = await harness();
    for (const id of [11, 12]) {
      emu.addChat({ id, type: "private" });
      await store.putChat(chat(id));
      await store.addSubscription(sub(id, "all", ""));
    }
    emu.block(11);
    await addNew(store, stored(reportFromEntry(shuyang), "sy"));
    await addNew(store, stored(reportFromEntry(pingtan[0]!), "pt"));
    const n = make();
    const res = await n.pump();
    expect(res.drain.deactivated).toBe(1);
    expect(emu.messages(12)).toHaveLength(2);
    expect(emu.messages(11)).toHaveLength(0);
    const c = await store.getChat(11);
    expect(c).toMatchObject({ active: false, inactiveReason: "Forbidden: bot was blocked by the user" });
    const rows = await store.listOutbox({ chatId: 11 });
    expect(rows.map((r) => r.status)).toEqual(["failed", "failed"]);
    expect((await store.listSubscriptions(11)).length).toBe(1); // kept

    // Unblocked and /start → reactivated; the next alert arrives.
    emu.unblock(11);
    expect(await n.reactivateChat(11)).toBe(true);
    await addNew(store, stored(reportFromEntry(pingtan[1]!), "pt"));
    await n.pump();
    expect(emu.messages(11)).toHaveLength(1);
    expect((await n.status()).failed).toBe(2);
  });

  it("group upgraded to a supergroup: subscriptions move to the new id and the alert is resent there", async () => {
    const { emu, store, make } = await harness();
    emu.addChat({ id: -300, type: "group", title: "旧群" });
    await store.putChat(chat(-300, { type: "group" }));
    await store.addSubscription(sub(-300, "region", "福建"));
    emu.migrate(-300, -1000300);
    await addNew(store, stored(reportFromEntry(pingtan[0]!), "pt"));
    const res = await make().pump();
    expect(res.drain.migrated).toBe(1);
    expect(res.sent).toBe(1);
    expect(emu.messages(-1000300)).toHaveLength(1);
    expect(emu.messages(-1000300)[0]!.plain).toContain("平潭综合实验区");
    expect(await store.listSubscriptions(-300)).toEqual([]);
    expect((await store.listSubscriptions(-1000300)).map((s) => s.value)).toEqual(["福建"]);
    expect((await store.getChat(-1000300))?.type).toBe("supergroup");
    expect((await store.listOutbox({ status: "sent" }))[0]!.key).toMatch(/^-1000300:0:/);
  });

  it("5xx then success: retried with backoff; network errors: bounded, then failed with the error", async () => {
    const { emu, store, make } = await harness();
    emu.addChat({ id: 21, type: "private" });
    await store.putChat(chat(21));
    await store.addSubscription(sub(21, "all", ""));
    emu.failNext("sendMessage", 2, { code: 502, description: "Bad Gateway" });
    await addNew(store, stored(reportFromEntry(shuyang), "sy"));
    const n = make(store, { maxAttempts: 4 });
    const res = await n.pump();
    expect(res.sent).toBe(1);
    expect(res.drain.retried).toBe(2);
    expect((await store.listOutbox({ status: "sent" }))[0]!.attempts).toBe(3);
    expect(emu.messages(21)).toHaveLength(1);

    await emu.stop(); // the network goes away
    await addNew(store, stored(reportFromEntry(pingtan[0]!), "pt"));
    const res2 = await n.pump();
    expect(res2.failed).toBe(1);
    expect(res2.drain.retried).toBe(3);
    const [failed] = await store.listOutbox({ status: "failed" });
    expect(failed!.attempts).toBe(4);
    expect(failed!.lastError).toMatch(/^network:/);
  });

  it("a part waiting for a retry holds back the later parts: a split alert arrives in order", async () => {
    const { emu, store, make } = await harness();
    emu.addChat({ id: 25, type: "private" });
    await store.putChat(chat(25));
    await store.addSubscription(sub(25, "all", ""));
    const changes = Array.from({ length: 40 }, (_, i) => `变化${i} ${"说明".repeat(100)}`);
    await addNew(store, stored(reportFromEntry(shuyang), "sy"), "updated", { changes });
    emu.failNext("sendMessage", 1, { code: 500, description: "Internal Server Error" });
    const res = await make(store, { backoffBaseMs: 150 }).pump();
    const got = emu.messages(25).map((m) => m.plain);
    expect(got.length).toBeGreaterThan(2);
    expect(res.sent).toBe(got.length);
    expect(got[0]).toContain("年报已更新");
    const order = got.join("\n").match(/变化\d+/g)!.map((x) => Number(x.slice(2)));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it("quiet hours: hold waits for the end of the window, silent sends without notification", async () => {
    const { emu, store, make } = await harness();
    // Real time shifted so that it is 23:30 in Shanghai (the clock still moves, pacing works).
    const target = Date.parse("2026-03-01T15:30:00Z");
    const shift = target - Date.now();
    const now = () => new Date(Date.now() + shift);
    for (const id of [31, 32]) {
      emu.addChat({ id, type: "private" });
      await store.addSubscription(sub(id, "all", ""));
    }
    await store.putChat(chat(31, { quiet: { from: 22, to: 8, mode: "hold" } }));
    await store.putChat(chat(32, { quiet: { from: 22, to: 8, mode: "silent" } }));
    await addNew(store, stored(reportFromEntry(shuyang), "sy"));
    const res = await make(store, { now }).pump();
    expect(res.sent).toBe(1);
    expect(emu.messages(31)).toHaveLength(0);
    expect(emu.messages(32)).toMatchObject([{ disable_notification: true }]);
    const [held] = await store.listOutbox({ chatId: 31 });
    expect(held).toMatchObject({ status: "pending", notBefore: "2026-03-02T00:00:00.000Z" });
    // At 08:00 the held alert goes out, with sound.
    const later = Date.parse("2026-03-02T00:00:01Z") - Date.now();
    await make(store, { now: () => new Date(Date.now() + later) }).pump();
    expect(emu.messages(31)).toHaveLength(1);
    expect(emu.messages(31)[0]!.disable_notification).toBeUndefined();
  });

  it("baseline: one summary per chat of the reports it follows; portal alerts go to admins only", async () => {
    const { emu, store, make } = await harness();
    for (const id of [41, 42, 9001]) emu.addChat({ id, type: "private" });
    await store.putChat(chat(41));
    await store.putChat(chat(42, { lang: "en" }));
    await store.addSubscription(sub(41, "region", "福建"));
    await store.addSubscription(sub(42, "agency", "教育局"));
    const rs = pingtan.map((e) => stored(reportFromEntry(e), "pt"));
    await store.putReports(rs);
    await store.addEvents([
      { id: "baseline:pt", kind: "baseline", at: new Date().toISOString(), portalId: "pt", reportIds: rs.map((r) => r.id) },
      { id: "down:pt:1", kind: "portalDown", at: new Date().toISOString(), portalId: "pt", reportIds: [], detail: { failures: 3, error: "ECONNREFUSED" } },
    ]);
    const res = await make().pump();
    expect(res.sent).toBe(2);
    expect(emu.messages(41)).toHaveLength(1);
    expect(emu.messages(41)[0]!.plain).toContain(`已收录 ${rs.length} 份年报`);
    expect(emu.messages(42)).toHaveLength(0);
    expect(emu.messages(9001)[0]!.plain).toContain("门户无法访问：平潭综合实验区");
  });

  it("digest: due chats get new reports grouped by region with finding counts, once per slot", async () => {
    const { emu, store, make } = await harness();
    emu.addChat({ id: 51, type: "private" });
    await store.putChat(chat(51, { digest: { mode: "daily", time: "09:00" } }));
    await store.addSubscription(sub(51, "all", ""));
    const slotNow = new Date(Date.now() + 60_000);
    const a = stored(reportFromEntry(shuyang, [finding("error", "x")]), "sy");
    const b = stored(reportFromEntry(pingtan[0]!), "pt");
    await addNew(store, a);
    await addNew(store, b);
    const n = make();
    await n.pump(); // the instant alerts
    expect(emu.messages(51)).toHaveLength(2);
    // The digest slot is the latest 09:00 Shanghai before `at`; choose `at` just after a slot that
    // follows the events.
    const at = new Date(Date.UTC(slotNow.getUTCFullYear(), slotNow.getUTCMonth(), slotNow.getUTCDate() + 1, 1, 5));
    expect(await n.runDigests(at)).toBe(1);
    const digest = emu.messages(51).at(-1)!;
    expect(digest.plain).toContain("年报日报");
    expect(digest.plain).toContain("新年报 2 份");
    expect(digest.plain).toContain("江苏 宿迁 沭阳（1）");
    expect(digest.plain).toContain("福建 平潭（1）");
    expect(digest.plain).toContain("错误 1 · 警告 0");
    expect(await n.runDigests(at)).toBe(0);
    expect(emu.messages(51)).toHaveLength(3);
    expect((await store.getChat(51))!.lastDigestAt).toBe(new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate(), 1, 0)).toISOString());
  });

  it("every part of a huge alert is ≤ 4096 and sent in order, paced under Telegram-like limits with no 429", async () => {
    const { emu, store, make } = await harness({ emuLimits: TELEGRAM_LIKE_LIMITS, deps: { limits: undefined } });
    emu.addChat({ id: -61, type: "supergroup" });
    await store.putChat(chat(-61));
    await store.addSubscription(sub(-61, "all", ""));
    for (let i = 0; i < 10; i++) {
      emu.addChat({ id: 700 + i, type: "private" });
      await store.putChat(chat(700 + i));
      await store.addSubscription(sub(700 + i, "agency", "沭阳"));
    }
    const changes = Array.from({ length: 60 }, (_, i) => `变化${i} <${"很长的说明".repeat(40)}>`);
    const r = stored(reportFromEntry(shuyang, [], { agency: "<b>沭阳县发展和改革局</b>&amp;" }), "sy");
    await addNew(store, r, "updated", { changes });
    const res = await make(store, { limits: undefined }).pump();
    const parts = emu.messages(-61);
    expect(parts.length).toBeGreaterThan(1);
    expect(res.sent).toBe(parts.length * 11);
    expect(emu.limitHits).toEqual([]);
    expect(res.drain.rateLimited).toBe(0);
    for (const p of parts) {
      expect(p.text.length).toBeLessThanOrEqual(4096);
      expect(() => parseTelegramHtml(p.text)).not.toThrow();
    }
    expect(parts[0]!.plain).toContain("年报已更新：<b>沭阳县发展和改革局</b>&amp;");
    expect(parts.map((p) => p.plain).join("\n")).toMatch(/变化0 [\s\S]*变化1 [\s\S]*变化59 /);
    for (let i = 0; i < 10; i++) expect(emu.messages(700 + i).map((m) => m.text)).toEqual(parts.map((p) => p.text));
  });

  it("stop() (SIGTERM) finishes the current send, leaves nothing 'sending', and the rest follow after restart", async () => {
    const { emu, store, make } = await harness();
    for (const id of [91, 92, 93, 94]) {
      emu.addChat({ id, type: "private" });
      await store.putChat(chat(id));
      await store.addSubscription(sub(id, "all", ""));
    }
    await addNew(store, stored(reportFromEntry(shuyang), "sy"));
    await addNew(store, stored(reportFromEntry(pingtan[0]!), "pt"));
    // 2 messages per chat, 1/s per chat: the drain takes > 1 s, so stop lands mid-way.
    const n = make(store, { limits: { perChatPerSec: 1, perGroupPerMin: 20, globalPerSec: 25 } });
    n.start();
    await emu.waitFor(() => emu.callsOf("sendMessage").length >= 1);
    await n.stop();
    expect(await store.listOutbox({ status: "sending" })).toEqual([]);
    const sentBefore = (await store.listOutbox({ status: "sent" })).length;
    expect(sentBefore).toBe(emu.callsOf("sendMessage").length);
    expect(sentBefore).toBeLessThan(8);
    const res = await make().pump();
    expect(res.sent).toBe(8 - sentBefore);
    for (const id of [91, 92, 93, 94]) expect(emu.messages(id)).toHaveLength(2);
  });

  it("without a token alerts go to the log and are marked sent", async () => {
    const { store, make } = await harness();
    const lines: string[] = [];
    const log = pino({ level: "info" }, new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }));
    await store.putChat(chat(71));
    await store.addSubscription(sub(71, "all", ""));
    await addNew(store, stored(reportFromEntry(shuyang), "sy"));
    const res = await make(store, { api: null, log }).pump();
    expect(res.sent).toBe(1);
    expect(lines.join("")).toContain(shuyang.agency);
    expect((await store.listOutbox())[0]!.status).toBe("sent");
  });
});
