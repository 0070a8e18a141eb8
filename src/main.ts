/**
 * `npm start`: the bot, the watcher, the notifier and the digest schedule in one process on the
 * embedded store. The only place that reads the environment (plus `.env`) and builds the real
 * adapters; everything else takes them as arguments.
 *
 * Without TELEGRAM_BOT_TOKEN the watcher still runs and alerts go to the log. SIGINT/SIGTERM:
 * stop taking updates, stop the schedules, let the current cycle and the current send finish,
 * flush the store, exit 0 (a second signal exits at once).
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { config as loadDotenv } from "dotenv";
import { Api } from "grammy";
import cron from "node-cron";
import { pino } from "pino";
import type { Logger } from "pino";
import { EXIT } from "./commands/types.js";
import { ConfigError, loadConfig } from "./config.js";
import type { Config } from "./config.js";
import { historyEnricher, missingReports } from "./agency/analyze.js";
import { createIdentity, loadOverrides } from "./agency/identity.js";
import type { AgencyOverride, Identity } from "./agency/identity.js";
import { LowdbStore } from "./store/lowdb.js";
import { StoreCorruptError } from "./store/types.js";
import type { PortalEntry } from "./store/types.js";
import { createBot, registerCommands, telegramClientOptions } from "./bot/bot.js";
import { createNotifier } from "./notify/notifier.js";
import { portalsFilePath } from "./commands/watch.js";
import { HttpFetcher } from "./watch/fetcher.js";
import { PortalsFileError, addPortal, loadPortals } from "./watch/portals.js";
import { createWatcher } from "./watch/scheduler.js";

/** The running process, as returned by start(). */
export interface Running {
  /** Graceful shutdown (what SIGINT/SIGTERM do). */
  stop(): Promise<void>;
}

/** The one line printed when Telegram is not configured. */
export const NO_TOKEN_LINE =
  "Telegram 未启用：未设置 TELEGRAM_BOT_TOKEN，提醒只写入日志。要发送到 Telegram，请在 .env 中设置 TELEGRAM_BOT_TOKEN（见 .env.example）后重启。 / Telegram disabled: set TELEGRAM_BOT_TOKEN in .env to enable it.";

/**
 * The process logger. Every line is scrubbed of the bot token before it is written: network
 * errors of the HTTP client quote the request URL, which contains the token, and a nested error
 * logged anywhere would otherwise carry it to the log.
 */
export function createLogger(config: Pick<Config, "LOG_LEVEL" | "TELEGRAM_BOT_TOKEN">): Logger {
  const token = config.TELEGRAM_BOT_TOKEN;
  return pino({
    level: config.LOG_LEVEL,
    base: undefined,
    ...(token ? { hooks: { streamWrite: (line: string) => line.split(token).join("<token>") } } : {}),
  });
}

/** A startup failure with the exit code to use (config/store problems → 5). */
export class StartupError extends Error {
  constructor(
    message: string,
    public readonly exitCode: number,
  ) {
    super(message);
    this.name = "StartupError";
  }
}

/**
 * Builds and starts everything from `env` (already merged with .env by the caller). Throws
 * StartupError for configuration / store / registry problems, with a message that names the
 * variable or file, never a secret.
 */
export async function start(env: Record<string, string | undefined>, cwd: string, logger?: Logger): Promise<Running> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) throw new StartupError(e.message, EXIT.config);
    throw e;
  }
  const log = logger ?? createLogger(config);

  const store = new LowdbStore(resolve(cwd, config.DATA_DIR), { lock: true });
  try {
    await store.open();
  } catch (e) {
    if (e instanceof StoreCorruptError) throw new StartupError(e.message, EXIT.config);
    throw new StartupError(`无法打开数据目录 DATA_DIR / cannot open DATA_DIR: ${(e as Error).message}`, EXIT.config);
  }

  const portalsFile = portalsFilePath(config, cwd);
  let portals: PortalEntry[];
  try {
    portals = await loadPortals(portalsFile);
  } catch (e) {
    await store.close();
    if (e instanceof PortalsFileError) throw new StartupError(e.message, EXIT.config);
    throw new StartupError(`无法读取门户列表 PORTALS_FILE / cannot read PORTALS_FILE (${portalsFile}): ${(e as Error).message}`, EXIT.config);
  }
  // Agency identity (history): portals' place names + the override table in DATA_DIR. A bad
  // override file is reported and ignored rather than stopping the watcher.
  const overridesFile = resolve(cwd, config.DATA_DIR, "agency-overrides.json");
  const ov = await loadOverrides(overridesFile);
  const overrides: AgencyOverride[] = ov.ok ? ov.overrides : [];
  if (!ov.ok) log.error({ file: overridesFile, err: ov.error }, "agency overrides unreadable; using none");
  let identity: Identity = createIdentity({ portals, overrides });

  // The registry is re-read before each cycle, so `nianbao portals add` and /addportal apply
  // without a restart; the notifier and the bot use the latest copy.
  const reloadPortals = async (): Promise<PortalEntry[]> => {
    try {
      portals = await loadPortals(portalsFile);
      identity = createIdentity({ portals, overrides });
    } catch (e) {
      log.error({ file: portalsFile, err: (e as Error).message }, "portal registry unreadable; keeping the previous list");
    }
    return portals;
  };

  const token = config.TELEGRAM_BOT_TOKEN;

  const notifier = createNotifier({
    store,
    portals: () => portals,
    api: token ? new Api(token, telegramClientOptions(config)) : null,
    adminChatIds: config.ADMIN_CHAT_IDS,
    log,
    tz: config.TZ,
    // Digests also list agencies whose report for last year is overdue.
    overdue: (now) => missingReports(store, portals, now, { identity }),
    identity: () => identity,
  });

  const enrich = historyEnricher(store, () => identity, log);

  const watcher = createWatcher({
    store,
    fetcher: new HttpFetcher({
      userAgent: config.USER_AGENT,
      hostGapMs: config.HOST_GAP_MS,
      concurrency: config.FETCH_CONCURRENCY,
      timeoutMs: config.FETCH_TIMEOUT_MS,
      ...(config.PORTAL_PROXY ? { proxy: config.PORTAL_PROXY } : {}),
    }),
    portals: reloadPortals,
    config,
    log,
    enrich,
    // New events become alerts right after the cycle instead of at the next background pump.
    onCycle: async () => {
      await notifier.pump();
    },
  });

  const bot = token
    ? createBot({
        store,
        config,
        log,
        notifier,
        identity: () => identity,
        portals: {
          list: () => portals,
          add: async ({ url, name }) => {
            const r = await addPortal(portalsFile, { url, name });
            if (!r.ok) throw new Error(r.error);
            await reloadPortals();
            return r.portal;
          },
        },
        watcher: {
          runOnce: () => watcher.runOnce(),
          status: async () => ({ busy: watcher.busy, ...((await store.getMeta("watch:lastCycle")) ?? {}) }),
        },
      })
    : null;

  const digestTask = cron.schedule(
    config.DIGEST_CRON,
    async () => {
      try {
        await notifier.runDigests();
      } catch (e) {
        log.error({ err: (e as Error).message }, "digest run failed");
      }
    },
    { timezone: config.TZ, name: "nianbao-digest" },
  );

  watcher.start();
  notifier.start();
  log.info({ portals: portals.length, dataDir: config.DATA_DIR, portalsFile, pollCron: config.POLL_CRON, tz: config.TZ }, "nianbao started");
  if (!token) log.warn(NO_TOKEN_LINE);

  // One cycle over the due portals right away, so a fresh start does not wait for the first tick.
  const firstCycle = watcher.runOnce({ dueOnly: true }).catch((e: unknown) => {
    log.error({ err: (e as Error).message }, "first cycle failed");
  });

  let stopping: Promise<void> | null = null;
  // The bot: probe the API once so that a wrong token or an unreachable API is reported at once
  // (grammY's own start-up retries silently), then long-poll. Neither stops the watcher.
  let botStarted = false;
  let botLoop: Promise<void> | null = null;
  if (bot) {
    botLoop = (async () => {
      try {
        bot.botInfo = await bot.api.getMe();
      } catch (e) {
        // The HTTP client's cause quotes the request URL (with the token): the logger scrubs it.
        const cause = (e as { error?: unknown }).error;
        log.error(
          { err: (e as Error).message, ...(cause instanceof Error ? { cause: cause.message } : {}) },
          "cannot reach the Telegram Bot API (check TELEGRAM_BOT_TOKEN, TELEGRAM_API_ROOT, TELEGRAM_PROXY); the bot keeps retrying",
        );
      }
      await bot.start({
        allowed_updates: ["message", "callback_query", "my_chat_member"],
        onStart: (me) => {
          botStarted = true;
          log.info({ username: me.username }, "Telegram bot started");
          void registerCommands(bot.api, log, config);
        },
      });
    })().catch((e: unknown) => {
      // grammY aborts its retry delay when stopped during start-up: not an error then.
      if (stopping) log.debug({ err: (e as Error).message }, "bot start-up aborted by shutdown");
      else log.error({ err: (e as Error).message }, "Telegram bot stopped with an error");
    });
  }

  return {
    stop() {
      stopping ??= (async () => {
        log.info("shutting down");
        if (bot && botLoop) {
          if (bot.isRunning()) await bot.stop().catch((e: unknown) => log.warn({ err: (e as Error).message }, "bot stop"));
          // Let the update being handled finish its reply (bounded; a bot that never reached
          // Telegram has nothing to finish).
          if (botStarted) await Promise.race([botLoop, new Promise((r) => setTimeout(r, 10_000).unref())]);
        }
        await digestTask.stop();
        await digestTask.destroy();
        await watcher.stop();
        await firstCycle;
        await notifier.stop();
        await store.close();
        log.info("bye");
      })();
      return stopping;
    },
  };
}

/** The entry point: .env, config, start, signals. */
async function main(): Promise<void> {
  const cwd = process.cwd();
  // Signals are caught from the first moment: one that arrives while starting up stops the
  // process as soon as start() has returned, still cleanly.
  let running: Running | null = null;
  let signalled = false;
  const shutdown = (): void => {
    running
      ?.stop()
      .then(() => process.exit(0))
      .catch((e: unknown) => {
        process.stderr.write(`nianbao: shutdown failed: ${(e as Error).message}\n`);
        process.exit(1);
      });
  };
  const onSignal = (sig: NodeJS.Signals): void => {
    if (signalled) {
      process.stderr.write(`nianbao: ${sig} again, exiting now\n`);
      process.exit(1);
    }
    signalled = true;
    shutdown();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  // .env fills in what the environment does not set (it never overrides a real variable).
  if (existsSync(resolve(cwd, ".env"))) loadDotenv({ path: resolve(cwd, ".env"), quiet: true });
  try {
    running = await start(process.env, cwd);
  } catch (e) {
    if (e instanceof StartupError) {
      process.stderr.write(`nianbao: ${e.message}\n`);
      process.exit(e.exitCode);
    }
    throw e;
  }
  if (signalled) shutdown();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((e: unknown) => {
    process.stderr.write(`nianbao: ${(e as Error).message}\n`);
    process.exit(1);
  });
}
