/**
 * The cron adapter and the watcher facade main.ts uses. A node-cron tick (POLL_CRON, in TZ) runs a
 * cycle over the portals that are due (PortalState.nextCheckAt, persisted), so a restart or a
 * missed tick heals itself; a tick never overlaps a running cycle.
 */
import cron from "node-cron";
import type { EventLog, MetaStore, PortalEntry, PortalStateStore, RawStore, ReportStore, StoredReport } from "../store/types.js";
import type { ParseInput, ParseOutcome } from "../report/parse.js";
import type { Fetcher } from "./fetcher.js";
import { runCycle, type CycleConfig, type CycleSummary, type Log } from "./cycle.js";
import { createParsePool, type ParsePool } from "./parse-pool.js";

/** Config keys the watcher needs. */
export interface WatcherConfig extends CycleConfig {
  POLL_CRON: string;
}

/** Dependencies of createWatcher (built by main.ts / cli from loadConfig). */
export interface WatcherDeps {
  store: PortalStateStore & ReportStore & RawStore & EventLog & MetaStore;
  fetcher: Fetcher;
  /** Re-read on every cycle so `portals add` / /addportal take effect without a restart. */
  portals: () => Promise<PortalEntry[]>;
  config: WatcherConfig;
  now?: () => Date;
  log: Log;
  /** Parser override; by default parsing runs in a worker-thread pool (see parse-pool.ts). */
  parse?: (input: ParseInput) => Promise<ParseOutcome>;
  /** Size of the default parse pool (default 1); 0 parses on the main thread. */
  parseWorkers?: number;
  enrich?: (r: StoredReport) => Promise<StoredReport>;
  /** Called after every cycle (e.g. the notifier turns new events into outbox rows). */
  onCycle?: (s: CycleSummary) => Promise<void> | void;
}

/** Options of one on-demand run. */
export interface RunOnceOptions {
  /** Only these portal ids. */
  onlyPortals?: string[];
  /** Only due portals (what a tick does); default false: every portal. */
  dueOnly?: boolean;
  mode?: "normal" | "backfill";
}

/** The watcher: start/stop the schedule, or run one cycle now. */
export interface Watcher {
  start(): void;
  /** Stops the schedule, waits for a running cycle to finish and ends the parse workers. */
  stop(): Promise<void>;
  /** Runs one cycle now (waits for a running one first); resolves to its summary. */
  runOnce(opts?: RunOnceOptions): Promise<CycleSummary>;
  /** True while a cycle runs. */
  readonly busy: boolean;
}

/** Builds the watcher; nothing runs until start() or runOnce(). */
export function createWatcher(deps: WatcherDeps): Watcher {
  const now = deps.now ?? (() => new Date());
  let running: Promise<CycleSummary> | null = null;
  let task: ReturnType<typeof cron.schedule> | null = null;
  let pool: ParsePool | null = null;
  const workers = deps.parseWorkers ?? 1;
  // Parsing is CPU-bound (a PDF takes over a second): keep it off the bot's event loop.
  const parse =
    deps.parse ??
    (workers > 0
      ? (input: ParseInput) => {
          pool ??= createParsePool({ size: workers });
          return pool.parse(input);
        }
      : undefined);

  const cycle = async (opts: RunOnceOptions): Promise<CycleSummary> => {
    const portals = await deps.portals();
    const summary = await runCycle({
      store: deps.store,
      fetcher: deps.fetcher,
      portals,
      parse,
      now,
      log: deps.log,
      config: deps.config,
      enrich: deps.enrich,
      onlyPortals: opts.onlyPortals,
      dueOnly: opts.dueOnly,
      mode: opts.mode,
    });
    await deps.store.setMeta("watch:lastCycle", {
      at: now().toISOString(),
      portalsChecked: summary.portalsChecked,
      newReports: summary.newReports,
      updated: summary.updated,
      failed: summary.failed,
      baseline: summary.baseline,
      events: summary.events.length,
    });
    await deps.onCycle?.(summary);
    return summary;
  };

  const runExclusive = async (opts: RunOnceOptions): Promise<CycleSummary> => {
    while (running) await running.catch(() => undefined);
    running = cycle(opts);
    try {
      return await running;
    } finally {
      running = null;
    }
  };

  const tick = async () => {
    // A tick never overlaps a running cycle: the due portals are picked up by the next tick.
    if (running) {
      deps.log.debug({}, "poll tick skipped: a cycle is still running");
      return;
    }
    try {
      const s = await runExclusive({ dueOnly: true });
      deps.log.info(
        { checked: s.portalsChecked, new: s.newReports, updated: s.updated, failed: s.failed, baseline: s.baseline },
        "poll cycle done",
      );
    } catch (e) {
      deps.log.error({ err: (e as Error).message }, "poll cycle crashed");
    }
  };

  return {
    start() {
      if (task) return;
      task = cron.schedule(deps.config.POLL_CRON, tick, { timezone: deps.config.TZ, name: "nianbao-poll" });
    },
    async stop() {
      if (task) {
        await task.stop();
        await task.destroy();
        task = null;
      }
      if (running) await running.catch(() => undefined);
      if (pool) {
        await pool.close();
        pool = null;
      }
    },
    runOnce: (opts = {}) => runExclusive(opts),
    get busy() {
      return running !== null;
    },
  };
}
