/**
 * `npm start`: the bot, the watcher, the notifier and the digest schedule in one process on the
 * embedded store. Reads the environment (plus `.env`), opens the app (src/app.ts builds every
 * real adapter) and starts the roles; each role starter returns how to stop it.
 *
 * Without TELEGRAM_BOT_TOKEN the watcher still runs and alerts go to the log. SIGINT/SIGTERM:
 * stop taking updates, stop the schedules, let the current cycle and the current send finish,
 * flush the store, exit 0 (a second signal exits at once).
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { config as loadDotenv } from "dotenv";
import cron from "node-cron";
import type { Logger } from "pino";
import { EXIT } from "./commands/types.js";
import { ConfigError, loadConfig } from "./config.js";
import type { Config } from "./config.js";
import { AppOpenError, openApp, type App } from "./app.js";
import { createBot, registerCommands } from "./bot/bot.js";

/** The running process, as returned by start(). */
export interface Running {
  /** Graceful shutdown (what SIGINT/SIGTERM do). */
  stop(): Promise<void>;
}

/** The one line printed when Telegram is not configured. */
export const NO_TOKEN_LINE =
  "Telegram 未启用：未设置 TELEGRAM_BOT_TOKEN，提醒只写入日志。要发送到 Telegram，请在 .env 中设置 TELEGRAM_BOT_TOKEN（见 .env.example）后重启。 / Telegram disabled: set TELEGRAM_BOT_TOKEN in .env to enable it.";

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

/** A started role: how to stop it. */
interface Role {
  stop(): Promise<void>;
}

/**
 * The bot: probe the API once so that a wrong token or an unreachable API is reported at once
 * (grammY's own start-up retries silently), then long-poll. Neither stops the watcher.
 */
function startBot(app: App, shuttingDown: () => boolean): Role | null {
  const { config, log, store, watcher, notifier, portals } = app;
  if (!config.TELEGRAM_BOT_TOKEN) return null;
  const bot = createBot({
    store,
    config,
    log,
    notifier,
    identity: app.identity,
    portals: {
      list: () => portals.list(),
      add: async ({ url, name }) => {
        const r = await portals.add({ url, name });
        if (!r.ok) throw new Error(r.error);
        return r.portal;
      },
    },
    watcher: {
      runOnce: () => watcher.runOnce(),
      status: async () => ({ busy: watcher.busy, ...((await store.getMeta("watch:lastCycle")) ?? {}) }),
    },
  });
  let started = false;
  const loop = (async () => {
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
        started = true;
        log.info({ username: me.username }, "Telegram bot started");
        void registerCommands(bot.api, log, config);
      },
    });
  })().catch((e: unknown) => {
    // grammY aborts its retry delay when stopped during start-up: not an error then.
    if (shuttingDown()) log.debug({ err: (e as Error).message }, "bot start-up aborted by shutdown");
    else log.error({ err: (e as Error).message }, "Telegram bot stopped with an error");
  });
  return {
    async stop() {
      if (bot.isRunning()) await bot.stop().catch((e: unknown) => log.warn({ err: (e as Error).message }, "bot stop"));
      // Let the update being handled finish its reply (bounded; a bot that never reached
      // Telegram has nothing to finish).
      if (started) await Promise.race([loop, new Promise((r) => setTimeout(r, 10_000).unref())]);
    },
  };
}

/** The watcher schedule, plus one cycle over the due portals right away (a fresh start does not wait for the first tick). */
function startWatcher(app: App): Role {
  app.watcher.start();
  const firstCycle = app.watcher.runOnce({ dueOnly: true }).catch((e: unknown) => {
    app.log.error({ err: (e as Error).message }, "first cycle failed");
  });
  return {
    async stop() {
      await app.watcher.stop();
      await firstCycle;
    },
  };
}

/** The digest check on DIGEST_CRON (each chat's own HH:MM is honoured by the notifier). */
function startDigests(app: App): Role {
  const task = cron.schedule(
    app.config.DIGEST_CRON,
    async () => {
      try {
        await app.notifier.runDigests();
      } catch (e) {
        app.log.error({ err: (e as Error).message }, "digest run failed");
      }
    },
    { timezone: app.config.TZ, name: "nianbao-digest" },
  );
  return {
    async stop() {
      await task.stop();
      await task.destroy();
    },
  };
}

/**
 * Builds and starts everything from `env` (already merged with .env by the caller). Throws
 * StartupError for configuration / store / registry problems, with a message that names the
 * variable or file, never a secret.
 */
export async function start(env: Record<string, string | undefined>, cwd: string, logger?: Logger): Promise<Running> {
  let config: Config;
  let app: App;
  try {
    config = loadConfig(env);
    app = await openApp(config, { cwd, store: "write", pumpAfterCycle: true, ...(logger ? { log: logger } : {}) });
  } catch (e) {
    if (e instanceof ConfigError || e instanceof AppOpenError) throw new StartupError(e.message, EXIT.config);
    throw e;
  }
  const { log } = app;

  let stopping: Promise<void> | null = null;
  const digests = startDigests(app);
  const watch = startWatcher(app);
  app.notifier.start();
  log.info(
    { portals: app.portals.list().length, dataDir: config.DATA_DIR, portalsFile: app.paths.portalsFile, pollCron: config.POLL_CRON, tz: config.TZ },
    "nianbao started",
  );
  if (!app.telegram) log.warn(NO_TOKEN_LINE);
  const bot = startBot(app, () => stopping !== null);

  return {
    stop() {
      stopping ??= (async () => {
        log.info("shutting down");
        await bot?.stop();
        await digests.stop();
        await watch.stop();
        await app.close();
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
