/**
 * The Telegram bot: `createBot(deps)` builds a grammY Bot with every command family wired in and
 * NEVER starts it (main.ts or a test calls `bot.start()`), so it can be driven against the Bot API
 * emulator in tests. One Composer per command family (src/telegram/commands/*.ts), including
 * /compare, /trend and /rank of the history feature (commands/history.ts).
 */
import { Bot, Composer, GrammyError } from "grammy";
import type { Api, BotConfig } from "grammy";
import type { BotCommandScope, UserFromGetMe } from "grammy/types";
import { autoRetry } from "@grammyjs/auto-retry";
import { HttpsProxyAgent } from "https-proxy-agent";
import type { Config } from "../config.js";
import { messages } from "../render/i18n.js";
import { adminCommands } from "./admin.js";
import { basicCommands, unknownCommand } from "./basic.js";
import type { BotContext, BotDeps } from "./context.js";
import { errorText, htmlOptions, loadState } from "./context.js";
import { queryCommands } from "./queries.js";
import { settingsCommands } from "./settings.js";
import { subscriptionCommands } from "./subscriptions.js";
import { historyCommands } from "./history.js";
import { uncertainCommands } from "./uncertain.js";
import { createChatGuard } from "../notify/chat-guard.js";

export type { BotContext, BotDeps, NotifierApi, PortalsApi, WatcherApi } from "./context.js";

/** Options of createBot beyond the dependencies. */
export interface CreateBotOptions extends BotDeps {
  /** Skip getMe at start (tests pass the emulator's botInfo). */
  botInfo?: UserFromGetMe;
  /**
   * More command families, mounted after the built-in ones and before the unknown-command hint
   * (plug-ins and tests).
   */
  extra?: Composer<BotContext>[];
}

/** The grammY client options for Telegram: API root and, when TELEGRAM_PROXY is set, its proxy agent. */
export function telegramClientOptions(config: Pick<Config, "TELEGRAM_API_ROOT" | "TELEGRAM_PROXY">): {
  apiRoot: string;
  baseFetchConfig?: Record<string, unknown>;
} {
  const apiRoot = config.TELEGRAM_API_ROOT.replace(/\/+$/, "");
  if (!config.TELEGRAM_PROXY) return { apiRoot };
  // grammY fetches with node-fetch on Node, which takes an http.Agent; compress is grammY's default.
  return { apiRoot, baseFetchConfig: { agent: new HttpsProxyAgent(config.TELEGRAM_PROXY), compress: true } };
}

/** Commands shown in Telegram's menu everywhere (admin chats also get ADMIN_COMMANDS). */
export const PUBLIC_COMMANDS = [
  "start",
  "help",
  "subscribe",
  "unsubscribe",
  "subscriptions",
  "latest",
  "report",
  "anomalies",
  "compare",
  "trend",
  "rank",
  "digest",
  "quiet",
  "settings",
  "lang",
  "export",
  "import",
] as const;

/**
 * Builds the bot. Requires `config.TELEGRAM_BOT_TOKEN`; talks to `config.TELEGRAM_API_ROOT`.
 * API calls are retried on 429/5xx with bounded waits (auto-retry with caps: it would otherwise
 * retry forever, see PITFALLS); replies are sent directly, alerts go through the notifier's outbox.
 */
export function createBot(opts: CreateBotOptions): Bot<BotContext> {
  const { config, log } = opts;
  const token = config.TELEGRAM_BOT_TOKEN;
  if (!token) throw new Error("createBot: TELEGRAM_BOT_TOKEN is not set");
  const botConfig: BotConfig<BotContext> = {
    client: telegramClientOptions(config),
    ...(opts.botInfo ? { botInfo: opts.botInfo } : {}),
  };
  const bot = new Bot<BotContext>(token, botConfig);
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 10, rethrowHttpErrors: true }));
  // Outside auto-retry, so it sees Telegram's final answer: group → supergroup migration and
  // 403s on every reply path (notify/chat-guard.ts).
  const guard = createChatGuard({ store: opts.store, log, ...(opts.now ? { now: opts.now } : {}) });
  bot.api.config.use(guard.transformer);

  const deps: BotDeps = {
    store: opts.store,
    config: opts.config,
    portals: opts.portals,
    log: opts.log,
    ...(opts.watcher ? { watcher: opts.watcher } : {}),
    ...(opts.notifier ? { notifier: opts.notifier } : {}),
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.identity ? { identity: opts.identity } : {}),
  };

  bot.use(async (ctx, next) => {
    ctx.nb = await loadState(ctx, deps);
    await next();
  });
  bot.use(basicCommands());
  bot.use(subscriptionCommands());
  bot.use(queryCommands());
  bot.use(settingsCommands());
  bot.use(adminCommands());
  bot.use(uncertainCommands());
  bot.use(historyCommands());
  for (const c of opts.extra ?? []) bot.use(c);
  bot.use(unknownCommand());

  // One bad update (a chat that blocked us mid-reply, a store hiccup) must not stop the others:
  // log it (never the token) and tell the user something went wrong, if we still can.
  bot.catch(async (err) => {
    const ctx = err.ctx;
    log.error({ updateId: ctx.update.update_id, chatId: ctx.chat?.id, err: errorText(err.error) }, "update failed");
    if (!ctx.chat || ctx.chat.type === "channel") return;
    // The chat refused us (blocked, kicked): it is marked inactive; never write to it again.
    if ((err.error instanceof GrammyError && err.error.error_code === 403) || guard.isRefused(ctx.chat.id)) return;
    try {
      const m = ctx.nb?.m ?? messages(config.DEFAULT_LANG);
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: m.genericError }).catch(() => undefined);
      else await ctx.reply(m.genericError, htmlOptions(ctx));
    } catch (e) {
      log.warn({ chatId: ctx.chat.id, err: errorText(e) }, "could not send the error reply");
    }
  });

  return bot;
}

/** Commands added to the menu of the admin chats (ADMIN_CHAT_IDS). */
export const ADMIN_COMMANDS = ["status", "poll", "addportal", "uncertain", "resend_uncertain"] as const;

/** Telegram's command scopes we register the menu for. */
const SCOPES = [{ type: "default" }, { type: "all_private_chats" }, { type: "all_group_chats" }] as const;

/**
 * Registers the command menu with setMyCommands for each scope, in Chinese (the default, no
 * language_code) and English (`language_code: "en"`); admin chats (config ADMIN_CHAT_IDS) also see
 * the admin commands. Failures are logged, not thrown: a menu is a convenience (an admin id the
 * bot has never talked to is refused by Telegram). Returns how many calls succeeded.
 */
export async function registerCommands(api: Api, log: BotDeps["log"], config?: Pick<Config, "ADMIN_CHAT_IDS">): Promise<number> {
  let ok = 0;
  const set = async (names: readonly string[], lang: "zh" | "en", scope: BotCommandScope): Promise<void> => {
    const m = messages(lang);
    const commands = names.map((command) => ({ command, description: m.commands[command] ?? command }));
    try {
      await api.setMyCommands(commands, { scope, ...(lang === "en" ? { language_code: "en" } : {}) });
      ok++;
    } catch (e) {
      log.warn({ scope: scope.type, lang, err: errorText(e) }, "setMyCommands failed");
    }
  };
  for (const lang of ["zh", "en"] as const) {
    for (const scope of SCOPES) await set(PUBLIC_COMMANDS, lang, scope);
    for (const chatId of config?.ADMIN_CHAT_IDS ?? []) {
      await set([...PUBLIC_COMMANDS, ...ADMIN_COMMANDS], lang, { type: "chat", chat_id: chatId });
    }
  }
  return ok;
}
