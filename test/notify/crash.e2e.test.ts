/**
 * Crash between send and mark: a child process gets Telegram's answer for one alert and is
 * SIGKILLed before it records it. After a restart the chat has exactly ONE copy, and every other
 * alert (sent before the crash, or never claimed) arrives exactly once.
 */
import { afterEach, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Api } from "grammy";
import { pino } from "pino";
import { LowdbStore } from "../../src/store/lowdb.js";
import { createNotifier } from "../../src/notify/notifier.js";
import { UNCERTAIN_REASON } from "../../src/notify/sender.js";
import { TelegramEmulator } from "../support/telegram-emulator.js";
import { chat, portal, sub, tempStore } from "./fixtures.js";
import { corpusEntries, reportFromEntry, stored } from "../support/reports.js";

const CHILD = fileURLToPath(new URL("./crash-child.ts", import.meta.url));
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function runChild(env: Record<string, string>): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--import", "tsx", CHILD], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    p.stdout.on("data", (d) => (out += String(d)));
    p.stderr.on("data", (d) => (out += String(d)));
    p.on("error", reject);
    p.on("exit", (code, signal) => resolve({ code, signal, out }));
  });
}

describe("crash between send and mark", () => {
  it("after a restart: exactly one copy in the crashed chat, all other alerts delivered once", async () => {
    const emu = await TelegramEmulator.start();
    const t = await tempStore();
    cleanups.push(t.cleanup, () => emu.stop());
    const ids = [81, 82, 83, 84];
    for (const id of ids) {
      emu.addChat({ id, type: "private" });
      await t.store.putChat(chat(id));
      await t.store.addSubscription(sub(id, "all", ""));
    }
    const e = corpusEntries()[0]!;
    const r = stored(reportFromEntry(e), "sy");
    await t.store.putReport(r);
    await t.store.addEvents([{ id: `new:${r.id}`, kind: "new", at: new Date().toISOString(), portalId: "sy", reportIds: [r.id] }]);
    await t.store.close(); // one process per store file at a time

    const child = await runChild({
      DATA_DIR: t.dir,
      API_ROOT: emu.apiRoot,
      BOT_TOKEN: emu.token,
      CRASH_CHAT: "82",
      PORTALS_JSON: JSON.stringify([portal("sy", "沭阳县", "江苏 宿迁")]),
    });
    expect(child.signal, child.out).toBe("SIGKILL");
    expect(emu.messages(81)).toHaveLength(1);
    expect(emu.messages(82)).toHaveLength(1); // Telegram has it; the store does not know
    expect(emu.messages(83)).toHaveLength(0);

    // Restart in this process on the same files.
    const store = new LowdbStore(t.dir);
    await store.open();
    cleanups.push(() => store.close());
    const notifier = createNotifier({
      store,
      portals: () => [portal("sy", "沭阳县", "江苏 宿迁")],
      api: new Api(emu.token, { apiRoot: emu.apiRoot }),
      adminChatIds: [],
      log: pino({ level: "silent" }),
      limits: { perChatPerSec: 50, perGroupPerMin: 1000, globalPerSec: 200 },
    });
    const res = await notifier.pump();
    expect(res).toMatchObject({ enqueued: 0, sent: 2 });
    for (const id of ids) expect(emu.messages(id), `chat ${id}`).toHaveLength(1);
    const crashed = (await store.listOutbox({ chatId: 82 }))[0]!;
    expect(crashed).toMatchObject({ status: "uncertain", lastError: UNCERTAIN_REASON });
    expect(await notifier.status()).toMatchObject({ sent: 3, uncertain: 1, pending: 0, sending: 0 });
    // A second pump (or another restart) changes nothing.
    await notifier.pump();
    expect(emu.callsOf("sendMessage")).toHaveLength(4);
  });
});
