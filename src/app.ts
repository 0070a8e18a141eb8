/**
 * The one composition root: a validated Config in, every real adapter out — the store, the portal
 * registry, agency identity (with DATA_DIR's overrides), the HTTP fetcher, the watcher, the
 * notifier, the Telegram API client (none without a token), the clock and the logger — plus one
 * close() that releases them in order.
 *
 * `npm start` (src/main.ts) and every CLI command (src/commands/) open the app here; nothing else
 * constructs a store driver, an HttpFetcher or a real grammY Api. Reading the environment stays in
 * the entries (loadConfig); this file never reads process.env.
 */
import { join, resolve } from "node:path";
import { Api } from "grammy";
import { pino, type Logger } from "pino";
import type { Config } from "./config.js";
import { historyEnricher, missingReports } from "./agency/analyze.js";
import { createIdentity, loadOverrides, type AgencyOverride, type Identity } from "./agency/identity.js";
import { telegramClientOptions } from "./bot/bot.js";
import { createNotifier, type Notifier } from "./notify/notifier.js";
import { StoreLockedError } from "./store/lock.js";
import { LowdbStore } from "./store/lowdb.js";
import { StoreCorruptError, type PortalEntry, type Store } from "./store/types.js";
import { HttpFetcher, type Fetcher } from "./watch/fetcher.js";
import { PortalsFileError, addPortal, loadPortals } from "./watch/portals.js";
import { createWatcher, type Watcher } from "./watch/scheduler.js";

/** The clock every part reads time from; made once, here, and passed down. */
export type Clock = () => Date;

/** Wall-clock time. */
export const systemClock: Clock = () => new Date();

/** A configuration, store or registry problem found while opening the app (exit code 5). */
export class AppOpenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AppOpenError";
  }
}

/** Files the app reads, resolved against the working directory. */
export interface AppPaths {
  dataDir: string;
  /** PORTALS_FILE, else DATA_DIR/portals.json. */
  portalsFile: string;
  /** DATA_DIR/agency-overrides.json. */
  overridesFile: string;
}

export function appPaths(config: Pick<Config, "DATA_DIR" | "PORTALS_FILE">, cwd: string): AppPaths {
  const dataDir = resolve(cwd, config.DATA_DIR);
  return {
    dataDir,
    portalsFile: resolve(cwd, config.PORTALS_FILE ?? join(config.DATA_DIR, "portals.json")),
    overridesFile: join(dataDir, "agency-overrides.json"),
  };
}

/**
 * The process logger. Every line is scrubbed of the bot token before it is written: network
 * errors of the HTTP client quote the request URL, which contains the token, and a nested error
 * logged anywhere would otherwise carry it to the log. `fd` 2 keeps a CLI's stdout for its output.
 */
export function createLogger(config: Pick<Config, "LOG_LEVEL" | "TELEGRAM_BOT_TOKEN">, fd: 1 | 2 = 1): Logger {
  const token = config.TELEGRAM_BOT_TOKEN;
  const options = {
    level: config.LOG_LEVEL,
    base: undefined,
    ...(token ? { hooks: { streamWrite: (line: string) => line.split(token).join("<token>") } } : {}),
  };
  return fd === 1 ? pino(options) : pino(options, pino.destination(2));
}

/** The portal registry file, re-read before each cycle so `portals add` and /addportal apply at once. */
export interface PortalRegistry {
  readonly file: string;
  /** The latest copy read. */
  list(): PortalEntry[];
  /** Re-reads the file; an unreadable file is logged and the previous list kept. */
  reload(): Promise<PortalEntry[]>;
  /** Adds an entry to the file (validated there) and reloads. Problems are values. */
  add(entry: { url: string; name: string; region?: string; level?: PortalEntry["level"]; id?: string }): Promise<{ ok: true; portal: PortalEntry } | { ok: false; error: string }>;
}

/** What opening needs beyond the config. */
export interface OpenAppOptions {
  /** The directory relative paths in the config are resolved against. */
  cwd: string;
  /**
   * "write" takes DATA_DIR's lock (one writing process at a time); "read" opens the store
   * without it; "none" leaves it closed (commands that never touch it).
   */
  store: "write" | "read" | "none";
  /** Read the portal registry and the agency overrides now (a broken registry fails opening). Default true. */
  registry?: boolean;
  /** A broken overrides file: "lenient" logs it and uses none (a server keeps running), "strict" fails opening. Default "lenient". */
  overrides?: "lenient" | "strict";
  /** After every watch cycle, turn its events into alerts at once (the server; the CLI delivers itself). */
  pumpAfterCycle?: boolean;
  /** Where log lines go: stdout for the server (default), stderr for CLI commands. */
  logFd?: 1 | 2;
  /** Injected in tests; else createLogger(config). */
  log?: Logger;
  /** Injected in tests; else systemClock. */
  clock?: Clock;
}

/** Every real adapter, built from one Config. */
export interface App {
  config: Config;
  paths: AppPaths;
  log: Logger;
  clock: Clock;
  store: Store;
  portals: PortalRegistry;
  /** Agency identity over the latest registry and the overrides. */
  identity(): Identity;
  fetcher: Fetcher;
  watcher: Watcher;
  notifier: Notifier;
  /** The Bot API client; null without TELEGRAM_BOT_TOKEN (alerts then go to the log). */
  telegram: Api | null;
  /** Stops the watcher and the notifier, then releases sockets and the store (in that order). */
  close(): Promise<void>;
}

async function openStore(dataDir: string, mode: "write" | "read"): Promise<LowdbStore> {
  const store = new LowdbStore(dataDir, { lock: mode === "write" });
  try {
    await store.open();
  } catch (e) {
    if (e instanceof StoreCorruptError || e instanceof StoreLockedError) throw new AppOpenError(e.message);
    throw new AppOpenError(`无法打开数据目录 DATA_DIR / cannot open DATA_DIR: ${(e as Error).message}`);
  }
  return store;
}

async function readRegistry(file: string): Promise<PortalEntry[]> {
  try {
    return await loadPortals(file);
  } catch (e) {
    if (e instanceof PortalsFileError) throw new AppOpenError(e.message);
    throw new AppOpenError(`无法读取门户列表 PORTALS_FILE / cannot read PORTALS_FILE (${file}): ${(e as Error).message}`);
  }
}

/**
 * Builds every adapter from `config`. Throws AppOpenError (message names the variable or file,
 * never a secret) for a store, registry or overrides problem; nothing is left open then.
 */
export async function openApp(config: Config, opts: OpenAppOptions): Promise<App> {
  const log = opts.log ?? createLogger(config, opts.logFd ?? 1);
  const clock = opts.clock ?? systemClock;
  const paths = appPaths(config, opts.cwd);
  const store = opts.store === "none" ? new LowdbStore(paths.dataDir) : await openStore(paths.dataDir, opts.store);
  const closeStore = () => (opts.store === "none" ? Promise.resolve() : store.close());

  let portals: PortalEntry[] = [];
  let overrides: AgencyOverride[] = [];
  try {
    if (opts.registry ?? true) {
      portals = await readRegistry(paths.portalsFile);
      const ov = await loadOverrides(paths.overridesFile);
      if (ov.ok) overrides = ov.overrides;
      else if (opts.overrides === "strict") throw new AppOpenError(ov.error);
      else log.error({ file: paths.overridesFile, err: ov.error }, "agency overrides unreadable; using none");
    }
  } catch (e) {
    await closeStore().catch(() => undefined);
    throw e;
  }
  let identity: Identity = createIdentity({ portals, overrides });

  const registry: PortalRegistry = {
    file: paths.portalsFile,
    list: () => portals,
    async reload() {
      try {
        portals = await loadPortals(paths.portalsFile);
        identity = createIdentity({ portals, overrides });
      } catch (e) {
        log.error({ file: paths.portalsFile, err: (e as Error).message }, "portal registry unreadable; keeping the previous list");
      }
      return portals;
    },
    async add(entry) {
      const r = await addPortal(paths.portalsFile, entry);
      if (r.ok) await registry.reload();
      return r;
    },
  };

  const fetcher = new HttpFetcher({
    userAgent: config.USER_AGENT,
    hostGapMs: config.HOST_GAP_MS,
    concurrency: config.FETCH_CONCURRENCY,
    timeoutMs: config.FETCH_TIMEOUT_MS,
    ...(config.PORTAL_PROXY ? { proxy: config.PORTAL_PROXY } : {}),
  });
  const token = config.TELEGRAM_BOT_TOKEN;
  const telegram = token ? new Api(token, telegramClientOptions(config)) : null;

  const notifier = createNotifier({
    store,
    portals: () => portals,
    api: telegram,
    adminChatIds: config.ADMIN_CHAT_IDS,
    log,
    tz: config.TZ,
    now: clock,
    // Digests also list agencies whose report for last year is overdue.
    overdue: (now) => missingReports(store, portals, now, { identity }),
    // Year-on-year in alerts: the same previous report /compare shows.
    identity: () => identity,
  });

  const watcher = createWatcher({
    store,
    fetcher,
    portals: () => registry.reload(),
    config,
    now: clock,
    log,
    // Cross-year findings are added before a report is stored.
    enrich: historyEnricher(store, () => identity, log),
    ...(opts.pumpAfterCycle
      ? {
          // New events become alerts right after the cycle instead of at the next background pump.
          onCycle: async () => {
            await notifier.pump();
          },
        }
      : {}),
  });

  let closing: Promise<void> | null = null;
  return {
    config,
    paths,
    log,
    clock,
    store,
    portals: registry,
    identity: () => identity,
    fetcher,
    watcher,
    notifier,
    telegram,
    close() {
      closing ??= (async () => {
        await watcher.stop();
        await notifier.stop();
        await fetcher.close().catch((e: unknown) => log.warn({ err: (e as Error).message }, "fetcher close"));
        await closeStore();
      })();
      return closing;
    },
  };
}
