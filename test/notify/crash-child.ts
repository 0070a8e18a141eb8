/**
 * Test-only child process for the crash test: pumps the notifier against the emulator and
 * SIGKILLs itself after Telegram answered the send to CRASH_CHAT and before the row is marked
 * sent — the worst moment for exactly-once delivery.
 */
import { Api } from "grammy";
import { pino } from "pino";
import { LowdbStore } from "../../src/store/lowdb.js";
import type { PortalEntry } from "../../src/store/types.js";
import { createNotifier } from "../../src/notify/notifier.js";

const env = process.env;
const store = new LowdbStore(env.DATA_DIR!);
await store.open();
const crashChat = Number(env.CRASH_CHAT);
const notifier = createNotifier({
  store,
  portals: () => JSON.parse(env.PORTALS_JSON ?? "[]") as PortalEntry[],
  api: new Api(env.BOT_TOKEN!, { apiRoot: env.API_ROOT! }),
  adminChatIds: [],
  log: pino({ level: "silent" }),
  concurrency: 1,
  limits: { perChatPerSec: 50, perGroupPerMin: 1000, globalPerSec: 200 },
  hooks: {
    beforeMark: (item) => {
      if (item.chatId === crashChat) process.kill(process.pid, "SIGKILL");
    },
  },
});
const res = await notifier.pump();
console.log(JSON.stringify(res));
await store.close();
