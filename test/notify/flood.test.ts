/**
 * Issue 9 "…and subscribers are flooded": with reports.json emptied and state.json intact, the
 * next poll sent 36 "🆕 新年报" alerts for 2019–2024 reports to six chats. Real data dir, the
 * loopback portal server, the real watch cycle and fetcher, the notifier over the Bot API
 * emulator. For each kind of damage: zero repeated "new" alerts, and a genuinely new report
 * that appears afterwards still reaches every chat exactly once.
 *
 * History before the damage (snapshots S0, S1, S2 of state.json and reports.json):
 *   S0  six chats subscribed to everything, nothing polled yet
 *   S1  first poll: baseline of 平潭 (2024, 2022) and 沭阳 (2023) — one summary per portal
 *   S2  平潭 2019 appears → one "新年报" alert per chat
 */
import { copyFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Api } from "grammy";
import { pino } from "pino";
import { LowdbStore } from "../../src/store/lowdb.js";
import type { PortalEntry } from "../../src/store/types.js";
import { runCycle } from "../../src/watch/cycle.js";
import { createNotifier } from "../../src/notify/notifier.js";
import { SUPPRESSED_KEY } from "../../src/notify/announced.js";
import { TelegramEmulator } from "../support/telegram-emulator.js";
import { fixture, listPage, textArticle, type PortalServer } from "../support/portal-server.js";
import { clock, memoryLog, resources, testConfig } from "../watch/helpers.js";
import { PT_2019, PT_2022, PT_2024, startSite } from "../watch/site.js";
import { chat, sub } from "./fixtures.js";

const CHATS = [501, 502, 503, -504, -505, -506];
const PT_NEW = "/pt/202504/t20250401_1.htm";
const NEW_ALERT = "🆕 新年报";

const res = resources();
let srv: PortalServer | undefined;
let emu: TelegramEmulator | undefined;
afterEach(async () => {
  await res.cleanup();
  await srv?.close();
  await emu?.stop();
  srv = undefined;
  emu = undefined;
});

/** The 平潭 column without validators (hrefs relative to /pt/). */
function ptColumn(items: { path: string; title: string }[]): void {
  srv!.page("/pt/", listPage(items.map((i) => ({ href: `.${i.path.slice(3)}`, title: i.title }))));
}

type Snap = "S0" | "S1" | "S2";
type Damage = { name: string; apply: (dir: string, snap: (s: Snap, f: string) => string) => Promise<void> };

async function history() {
  const site = await startSite();
  srv = site.srv;
  const portals: PortalEntry[] = site.portals.filter((p) => p.id === "pt" || p.id === "sy");
  // Like most portals in the wild: no ETag / Last-Modified, so every poll lists and re-reads
  // what it does not know (with validators a 304 would hide the damage instead).
  srv.page(PT_2024, textArticle(fixture("004.txt").toString("utf8")));
  srv.page(PT_2022, textArticle(fixture("003.txt").toString("utf8")));
  srv.page(PT_2019, textArticle(fixture("002.txt").toString("utf8")));
  ptColumn([
    { path: PT_2024, title: "平潭综合实验区2024年度政府信息公开工作年度报告" },
    { path: PT_2022, title: "平潭综合实验区2022年度政府信息公开工作年度报告" },
  ]);
  emu = await TelegramEmulator.start();
  const dir = await res.dir();
  const snaps = await res.dir();
  const c = clock("2025-04-10T02:00:00.000Z");
  const fetcher = res.fetcher();
  const log = memoryLog();
  const api = new Api(emu.token, { apiRoot: emu.apiRoot });

  // The store refuses a file that went backwards (StoreRollbackError, test/store); here the
  // operator has accepted the older copy on purpose, and the notifier must still not flood.
  const open = async (): Promise<LowdbStore> => {
    const s = new LowdbStore(dir, { acceptOlder: true });
    await s.open();
    return s;
  };
  const poll = async (store: LowdbStore, addNew = false) => {
    c.advance(61);
    if (addNew) {
      srv!.page(PT_NEW, textArticle(fixture("004.txt").toString("utf8")));
      ptColumn([
        { path: PT_NEW, title: "平潭综合实验区2024年度政府信息公开工作年度报告（更正版）" },
        { path: PT_2024, title: "平潭综合实验区2024年度政府信息公开工作年度报告" },
        { path: PT_2022, title: "平潭综合实验区2022年度政府信息公开工作年度报告" },
        { path: PT_2019, title: "平潭综合实验区2019年度政府信息公开工作年度报告" },
      ]);
    }
    const summary = await runCycle({ store, fetcher, portals, now: c.now, log, config: testConfig });
    const notifier = createNotifier({
      store,
      portals: () => portals,
      api,
      adminChatIds: [],
      log: pino({ level: "silent" }),
      now: c.now,
      limits: { perChatPerSec: 100, perGroupPerMin: 10_000, globalPerSec: 1000 },
    });
    const pumped = await notifier.pump();
    return { summary, pumped };
  };
  const snapshot = async (s: Snap) => {
    for (const f of ["state.json", "reports.json"]) await copyFile(join(dir, f), join(snaps, `${s}.${f}`));
  };

  const store = await open();
  for (const id of CHATS) {
    emu.addChat(id > 0 ? { id, type: "private" } : { id, type: "supergroup", title: `群${-id}` });
    await store.putChat(chat(id));
    await store.addSubscription(sub(id, "all", ""));
  }
  // reports.json is written on the first report: before that, an empty one is what it would hold.
  await writeFile(join(dir, "reports.json"), JSON.stringify({ version: 1, reports: {} }));
  await snapshot("S0");
  const first = await poll(store);
  expect(first.summary.baseline).toBe(2);
  await snapshot("S1");
  ptColumn([
    { path: PT_2024, title: "平潭综合实验区2024年度政府信息公开工作年度报告" },
    { path: PT_2022, title: "平潭综合实验区2022年度政府信息公开工作年度报告" },
    { path: PT_2019, title: "平潭综合实验区2019年度政府信息公开工作年度报告" },
  ]);
  const second = await poll(store);
  expect(second.summary.newReports).toBe(1);
  await snapshot("S2");
  await store.close();

  const newAlerts = (id: number) => emu!.messages(id).filter((m) => m.plain.includes(NEW_ALERT));
  for (const id of CHATS) expect(newAlerts(id), `chat ${id} before the damage`).toHaveLength(1);
  const sentBefore = emu.callsOf("sendMessage").length;
  expect(sentBefore).toBe(CHATS.length * 3); // two baseline summaries + one alert each

  return {
    dir,
    snap: (s: Snap, f: string) => join(snaps, `${s}.${f}`),
    open,
    poll,
    newAlerts,
    sentBefore,
  };
}

const DAMAGE: Damage[] = [
  {
    // The store side (another change) refuses a 0-byte file; either way the operator restores the
    // backup, which predates the first poll. Without the guard this is the 36-alert flood.
    name: "reports.json emptied, then restored from an old backup",
    apply: async (dir) => writeFile(join(dir, "reports.json"), ""),
  },
  { name: "reports.json replaced by an older copy", apply: async (dir, snap) => copyFile(snap("S0", "reports.json"), join(dir, "reports.json")) },
  { name: "state.json restored from an older copy", apply: async (dir, snap) => copyFile(snap("S1", "state.json"), join(dir, "state.json")) },
  {
    name: "both restored from an older pair",
    apply: async (dir, snap) => {
      await copyFile(snap("S1", "state.json"), join(dir, "state.json"));
      await copyFile(snap("S1", "reports.json"), join(dir, "reports.json"));
    },
  },
  {
    name: "both restored: old state, reports from before the first poll",
    apply: async (dir, snap) => {
      await copyFile(snap("S1", "state.json"), join(dir, "state.json"));
      await copyFile(snap("S0", "reports.json"), join(dir, "reports.json"));
    },
  },
];

describe("damaged or restored store: no report is announced as new twice", () => {
  it.each(DAMAGE)("$name", async ({ apply }) => {
    const h = await history();
    await apply(h.dir, h.snap);
    let store: LowdbStore;
    try {
      store = await h.open();
    } catch {
      // Refused as damaged (0-byte file): restore the old backup, as the message says.
      await copyFile(h.snap("S0", "reports.json"), join(h.dir, "reports.json"));
      store = await h.open();
    }
    // The next poll after the damage lists the column again (a genuinely new report appeared).
    const after = await h.poll(store, true);
    expect(after.pumped.failed).toBe(0);
    for (const id of CHATS) expect(h.newAlerts(id), `chat ${id}: one old alert + the real new one`).toHaveLength(2);
    // Nothing else was sent twice either (baseline summaries are keyed per portal and chat).
    expect(emu!.callsOf("sendMessage")).toHaveLength(h.sentBefore + CHATS.length);
    // And the poll after that sends nothing.
    await h.poll(store);
    expect(emu!.callsOf("sendMessage")).toHaveLength(h.sentBefore + CHATS.length);
    await store.close();
  });

  it("counts what it suppressed, so admins can see it", async () => {
    const h = await history();
    await writeFile(join(h.dir, "reports.json"), JSON.stringify({ version: 1, reports: {} }));
    const store = await h.open();
    const after = await h.poll(store, true);
    // The watcher re-found the baseline reports (平潭 2024, 2022; 沭阳 2023) and 2019 (its
    // "new:" id is known, so the store adds no event), plus the real new one.
    expect(after.summary.newReports).toBe(5);
    expect(after.pumped.enqueued).toBe(CHATS.length);
    const rec = await store.getMeta(SUPPRESSED_KEY);
    expect(rec?.count).toBe(3);
    expect(rec?.last.every((x) => /already announced by event baseline:/.test(x.reason))).toBe(true);
    await store.close();
  });
});
