/**
 * Issue 9 "A long retry_after, 5xx bursts and network drops during digests and quiet-hour
 * releases": the notifier, a real LowdbStore and the Bot API emulator over HTTP with injected
 * faults. Each test asserts nothing lost (every chat gets its message), nothing duplicated
 * (exactly one copy), and that a long wait is stored as the row's notBefore — the pump returns
 * instead of sleeping. The clock runs at real speed from a chosen instant, so quiet hours and
 * digest slots are exact while retries and backoffs still pass.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Api } from "grammy";
import { pino } from "pino";
import type { LowdbStore } from "../../src/store/lowdb.js";
import { createNotifier, type NotifierDeps } from "../../src/notify/notifier.js";
import { TelegramEmulator } from "../support/telegram-emulator.js";
import { chat, portal, sub, tempStore } from "./fixtures.js";
import { corpusEntries, reportFromEntry, stored } from "../support/reports.js";

const PORTALS = [portal("sy", "沭阳县", "江苏 宿迁 沭阳", "department")];
const FAST = { perChatPerSec: 100, perGroupPerMin: 10_000, globalPerSec: 1000 };
const CHATS = [41, 42, 43, -44];

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A clock at real speed from `start`, which a test can jump forward. */
function runningClock(start: string) {
  let offset = Date.parse(start) - Date.now();
  return { now: () => new Date(Date.now() + offset), jump: (ms: number) => void (offset += ms) };
}

async function setup(start: string, chatExtra: Parameters<typeof chat>[1]) {
  const emu = await TelegramEmulator.start();
  const t = await tempStore();
  cleanups.push(t.cleanup, () => emu.stop());
  const clk = runningClock(start);
  for (const id of CHATS) {
    emu.addChat(id > 0 ? { id, type: "private" } : { id, type: "supergroup", title: "群" });
    await t.store.putChat(chat(id, chatExtra));
    await t.store.addSubscription(sub(id, "all", ""));
  }
  const notifier = (extra: Partial<NotifierDeps> = {}) =>
    createNotifier({
      store: t.store,
      portals: () => PORTALS,
      api: new Api(emu.token, { apiRoot: emu.apiRoot }),
      adminChatIds: [],
      log: pino({ level: "silent" }),
      tz: "Asia/Shanghai",
      now: clk.now,
      limits: FAST,
      backoffBaseMs: 20,
      maxInlineWaitMs: 2000,
      ...extra,
    });
  const sends = (id: number) => emu.callsOf("sendMessage").filter((c) => c.params.chat_id === id).length;
  return { emu, store: t.store, clk, notifier, sends };
}

async function addReport(store: LowdbStore, at: string, n = 0) {
  const r = stored(reportFromEntry(corpusEntries()[n]!), "sy", { id: `rep${n}` });
  await store.putReport(r);
  await store.addEvents([{ id: `new:${r.id}`, kind: "new", at, portalId: "sy", reportIds: [r.id] }]);
}

const oneEach = (emu: TelegramEmulator, pred: (plain: string) => boolean) =>
  CHATS.map((id) => emu.messages(id).filter((m) => pred(m.plain)).length);

describe("digests under faults", () => {
  // Daily digest at 08:00 Shanghai = 00:00 UTC; the day's report arrived the afternoon before.
  const AT = "2026-03-03T00:00:30.000Z";
  const digest = { digest: { mode: "daily" as const, time: "08:00" } };
  const isDigest = (p: string) => /日报|摘要|digest/i.test(p);

  it("a 429 with retry_after 3600 on one chat's digest: stored as notBefore, the others go now, it goes once after the wait", async () => {
    const { emu, store, clk, notifier, sends } = await setup(AT, digest);
    await addReport(store, "2026-03-02T07:00:00.000Z");
    const n = notifier();
    // The alert itself first (not part of this test's faults).
    await n.pump();
    emu.failNext("sendMessage", 1, { code: 429, description: "Too Many Requests: retry after 3600", retry_after: 3600, chatId: 42 });
    expect(await n.runDigests()).toBe(CHATS.length);
    // The pump returned without sleeping an hour; the wait is in the row.
    const held = await store.listOutbox({ chatId: 42, status: "pending" });
    expect(held).toHaveLength(1);
    expect(Date.parse(held[0]!.notBefore!) - clk.now().getTime()).toBeGreaterThan(3590_000);
    expect(oneEach(emu, isDigest)).toEqual([1, 0, 1, 1]);

    clk.jump(3601_000);
    await n.pump();
    expect(oneEach(emu, isDigest)).toEqual([1, 1, 1, 1]);
    expect(sends(42)).toBe(3); // alert, refused digest, digest
    await n.pump();
    expect(emu.callsOf("sendMessage")).toHaveLength(CHATS.length * 2 + 1);
  });

  it("a 5xx burst and dropped connections during the digest run: retried with backoff, each digest exactly once", async () => {
    const { emu, store, notifier } = await setup(AT, digest);
    await addReport(store, "2026-03-02T07:00:00.000Z");
    const n = notifier();
    await n.pump();
    const before = emu.callsOf("sendMessage").length;
    emu.failNext("sendMessage", 3, { code: 502, description: "Bad Gateway" });
    emu.failNext("sendMessage", 2, { code: 0, description: "connection dropped" });
    expect(await n.runDigests()).toBe(CHATS.length);
    // Backoff retries are due within maxInlineWaitMs, so the same run finishes them.
    await emu.waitFor(() => oneEach(emu, isDigest).every((x) => x === 1) || undefined, 10_000);
    expect(emu.faultsLeft()).toBe(0);
    expect(emu.callsOf("sendMessage").length - before).toBe(CHATS.length + 5);
    await n.pump();
    expect(oneEach(emu, isDigest)).toEqual([1, 1, 1, 1]);
    expect((await store.listOutbox()).filter((r) => r.status !== "sent")).toEqual([]);
  });
});

describe("quiet-hour releases under faults", () => {
  // Quiet 22:00–08:00 Shanghai, "hold": an alert at 23:00 waits for 08:00 (00:00 UTC).
  const NIGHT = "2026-03-02T15:00:00.000Z";
  const quiet = { quiet: { from: 22, to: 8, mode: "hold" as const } };
  const isAlert = (p: string) => p.includes("新年报");

  it("the 08:00 release meets a 5xx burst, a dropped connection and a long 429: nothing lost, nothing twice", async () => {
    const { emu, store, clk, notifier, sends } = await setup(NIGHT, quiet);
    await addReport(store, NIGHT);
    const n = notifier();
    const night = await n.pump();
    expect(night.enqueued).toBe(CHATS.length);
    expect(emu.callsOf("sendMessage")).toHaveLength(0); // held
    const rows = await store.listOutbox();
    expect(rows.every((r) => r.notBefore === "2026-03-03T00:00:00.000Z")).toBe(true);

    clk.jump(9 * 3600_000); // 08:00:00+ Shanghai
    emu.failNext("sendMessage", 2, { code: 500, description: "Internal Server Error", chatId: 41 });
    emu.failNext("sendMessage", 1, { code: 0, description: "connection dropped", chatId: 43 });
    emu.failNext("sendMessage", 1, { code: 429, description: "Too Many Requests: retry after 3600", retry_after: 3600, chatId: -44 });
    await n.pump();
    await emu.waitFor(() => (oneEach(emu, isAlert).slice(0, 3).every((x) => x === 1) ? true : undefined), 10_000);
    expect(oneEach(emu, isAlert)).toEqual([1, 1, 1, 0]);
    const waiting = (await store.listOutbox({ chatId: -44 }))[0]!;
    expect(waiting.status).toBe("pending");
    expect(Date.parse(waiting.notBefore!) - clk.now().getTime()).toBeGreaterThan(3590_000);

    clk.jump(3601_000);
    await n.pump();
    expect(oneEach(emu, isAlert)).toEqual([1, 1, 1, 1]);
    expect([41, 42, 43, -44].map(sends)).toEqual([3, 1, 2, 2]);
    expect((await store.listOutbox()).every((r) => r.status === "sent")).toBe(true);
  });
});
