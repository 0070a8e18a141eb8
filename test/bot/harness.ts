/**
 * A running bot for end-to-end tests: the Telegram Bot API emulator on 127.0.0.1, a LowdbStore in
 * a temp dir, and createBot long-polling the emulator (started and awaited via onStart, stopped
 * before the emulator, as PITFALLS advises).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import type { Bot, Composer } from "grammy";
import { loadConfig } from "../../src/config.js";
import { LowdbStore } from "../../src/store/lowdb.js";
import type { PortalEntry, StoredReport } from "../../src/store/types.js";
import { createBot } from "../../src/bot/bot.js";
import type { BotContext, NotifierApi, WatcherApi } from "../../src/bot/bot.js";
import { TelegramEmulator } from "../support/telegram-emulator.js";
import type { EmuMessage, EmuUser } from "../support/telegram-emulator.js";

export interface Harness {
  emu: TelegramEmulator;
  store: LowdbStore;
  bot: Bot<BotContext>;
  dir: string;
  portals: PortalEntry[];
  /** Sends a user message and waits until the bot has sent `n` more messages to that chat. */
  say(chatId: number, from: EmuUser, text: string, n?: number, extra?: Record<string, unknown>): Promise<EmuMessage[]>;
  /** Waits until every queued update has been handled. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  reports?: StoredReport[];
  portals?: PortalEntry[];
  admins?: number[];
  /** Builds the watcher / notifier over the harness's store and emulator (they need both). */
  services?: (env: { store: LowdbStore; emu: TelegramEmulator; portals: PortalEntry[] }) => { watcher?: WatcherApi; notifier?: NotifierApi };
  extra?: Composer<BotContext>[];
  /** More configuration variables (e.g. TELEGRAM_PROXY). */
  env?: Record<string, string>;
  addPortal?: (input: { url: string; name: string }) => Promise<PortalEntry>;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const emu = await TelegramEmulator.start();
  const dir = await mkdtemp(join(tmpdir(), "nianbao-bot-"));
  const store = new LowdbStore(dir);
  await store.open();
  if (opts.reports?.length) await store.putReports(opts.reports);
  const portals = [...(opts.portals ?? [])];
  const config = loadConfig({
    TELEGRAM_BOT_TOKEN: emu.token,
    TELEGRAM_API_ROOT: emu.apiRoot,
    ADMIN_CHAT_IDS: (opts.admins ?? []).join(","),
    DATA_DIR: dir,
    ...opts.env,
  });
  const services = opts.services?.({ store, emu, portals }) ?? {};
  const bot = createBot({
    store,
    config,
    portals: { list: () => portals, ...(opts.addPortal ? { add: opts.addPortal } : {}) },
    log: pino({ level: "silent" }),
    botInfo: emu.botInfo,
    ...(services.watcher ? { watcher: services.watcher } : {}),
    ...(services.notifier ? { notifier: services.notifier } : {}),
    ...(opts.extra ? { extra: opts.extra } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    bot.start({ onStart: () => resolve(), allowed_updates: ["message", "callback_query", "my_chat_member"] }).catch(reject);
  });

  const say = async (chatId: number, from: EmuUser, text: string, n = 1, extra: Record<string, unknown> = {}): Promise<EmuMessage[]> => {
    const before = emu.messages(chatId).length;
    emu.userMessage(chatId, from, text, extra);
    return emu.waitFor(() => {
      const all = emu.messages(chatId);
      return all.length >= before + n ? all.slice(before) : undefined;
    }, 10_000);
  };

  // An update counts as confirmed once grammY asks for the next offset, i.e. after its handler
  // finished (bot.start handles updates one by one).
  const settle = async (): Promise<void> => {
    await emu.waitFor(() => emu.pendingUpdates() === 0, 10_000);
  };

  return {
    emu,
    store,
    bot,
    dir,
    portals,
    say,
    settle,
    async stop() {
      await bot.stop();
      await emu.stop();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
