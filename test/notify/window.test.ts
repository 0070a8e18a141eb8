/**
 * The in-flight window (sender.ts): at any instant at most `concurrency` rows are "sending" — the
 * durable mark holds the slot — so a crash can leave at most that many alerts uncertain, and never
 * two to one chat. Sampled at the worst moment (Telegram answered, mark not yet written) over a
 * fan-out to 30 chats through the emulator with 15 ms latency.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Api } from "grammy";
import { pino } from "pino";
import { createNotifier } from "../../src/notify/notifier.js";
import { DEFAULT_CONCURRENCY } from "../../src/notify/sender.js";
import { TelegramEmulator } from "../support/telegram-emulator.js";
import { chat, portal, sub, tempStore } from "./fixtures.js";
import { corpusEntries, reportFromEntry, stored } from "../support/reports.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe("in-flight window", () => {
  it.each([undefined, 4])("concurrency %s: never more rows 'sending' than the limit, never two for one chat", async (concurrency) => {
    const emu = await TelegramEmulator.start({ latencyMs: 15 });
    const t = await tempStore();
    cleanups.push(t.cleanup, () => emu.stop());
    const ids = Array.from({ length: 30 }, (_, i) => 1000 + i);
    for (const id of ids) {
      emu.addChat({ id, type: "private" });
      await t.store.putChat(chat(id));
      await t.store.addSubscription(sub(id, "all", ""));
    }
    const r = stored(reportFromEntry(corpusEntries()[0]!), "sy");
    await t.store.putReport(r);
    await t.store.addEvents([{ id: `new:${r.id}`, kind: "new", at: new Date().toISOString(), portalId: "sy", reportIds: [r.id] }]);
    let max = 0;
    const n = createNotifier({
      store: t.store,
      portals: () => [portal("sy", "沭阳县")],
      api: new Api(emu.token, { apiRoot: emu.apiRoot }),
      adminChatIds: [],
      log: pino({ level: "silent" }),
      limits: { perChatPerSec: 100, perGroupPerMin: 10_000, globalPerSec: 1000 },
      ...(concurrency ? { concurrency } : {}),
      hooks: {
        beforeMark: async () => {
          const sending = await t.store.listOutbox({ status: "sending" });
          max = Math.max(max, sending.length);
          expect(new Set(sending.map((s) => s.chatId)).size).toBe(sending.length);
        },
      },
    });
    const res = await n.pump();
    if (process.env.PRINT_WINDOW) console.log(`WINDOW concurrency=${concurrency ?? "default"} max sending=${max}`);
    expect(res.sent).toBe(30);
    expect(max).toBeGreaterThanOrEqual(1);
    expect(max).toBeLessThanOrEqual(concurrency ?? DEFAULT_CONCURRENCY);
  });
});
