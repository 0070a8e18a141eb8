/**
 * The notifier: store events → outbox (fan-out, outbox.ts) → Telegram (sender.ts), plus digests.
 *
 * `pump()` fans out new events (cursor in store meta "notifier.cursor") and drains due rows with
 * pacing. `start()` pumps every `intervalMs` in the background; `stop()` finishes the current send,
 * flushes and resolves (SIGINT/SIGTERM). Without a token (`api: null`) alerts are written to the
 * log and marked sent, so the watcher runs the same with or without Telegram.
 */
import type { Api } from "grammy";
import type { Identity } from "../agency/identity.js";
import type { Logger } from "pino";
import type { ChatStore, EventLog, MetaStore, OutboxStatus, OutboxStore, PortalEntry, ReportStore } from "../store/types.js";
import type { OverdueAgency } from "../render/alerts.js";
import { enqueueDigests, fanOut } from "./outbox.js";
import { DEFAULT_LIMITS, reactivateChat, Sender, type DrainStats, type PaceLimits, type SenderHooks } from "./sender.js";

export interface NotifierDeps {
  store: ReportStore & EventLog & MetaStore & ChatStore & OutboxStore;
  portals: () => PortalEntry[];
  /** grammY Api; null = no token: alerts go to the log. */
  api: Api | null;
  adminChatIds: number[];
  log: Logger;
  now?: () => Date;
  /** IANA zone for quiet hours and digest times (config TZ); default Asia/Shanghai. */
  tz?: string;
  limits?: PaceLimits;
  /** Background pump period for start(), ms (default 2000). */
  intervalMs?: number;
  concurrency?: number;
  maxInlineWaitMs?: number;
  maxAttempts?: number;
  backoffBaseMs?: number;
  hooks?: SenderHooks;
  /** The agency identity (year-on-year: the same previous report /compare uses). */
  identity?: () => Identity;
  /** Agencies whose report for last year is overdue, listed in digests. */
  overdue?: (now: Date) => Promise<readonly OverdueAgency[]>;
}

/** What one pump did. */
export interface PumpResult {
  enqueued: number;
  sent: number;
  failed: number;
  /** Details of the drain (429s seen, migrations, chats deactivated, retries scheduled). */
  drain: DrainStats;
}

export interface Notifier {
  /** Fans out new events, then drains due rows. Concurrent calls share one run. */
  pump(): Promise<PumpResult>;
  /** Pumps every intervalMs in the background until stop(). */
  start(): void;
  /** Finishes the current send, flushes, resolves. */
  stop(): Promise<void>;
  /** Enqueues due digests and drains; returns how many digests were enqueued. */
  runDigests(now?: Date): Promise<number>;
  /** Reactivates a chat marked inactive by a 403 (/start, or the bot re-added). */
  reactivateChat(chatId: number): Promise<boolean>;
  /** Outbox counts by status (uncertain and failed are what admins need to see). */
  status(): Promise<Record<OutboxStatus, number>>;
}

/** Builds a notifier; nothing runs until pump() or start(). */
export function createNotifier(deps: NotifierDeps): Notifier {
  const now = deps.now ?? (() => new Date());
  const tz = deps.tz ?? "Asia/Shanghai";
  const sender = new Sender({
    store: deps.store,
    api: deps.api,
    log: deps.log,
    tz,
    now,
    limits: deps.limits ?? DEFAULT_LIMITS,
    ...(deps.concurrency !== undefined ? { concurrency: deps.concurrency } : {}),
    ...(deps.maxInlineWaitMs !== undefined ? { maxInlineWaitMs: deps.maxInlineWaitMs } : {}),
    ...(deps.maxAttempts !== undefined ? { maxAttempts: deps.maxAttempts } : {}),
    ...(deps.backoffBaseMs !== undefined ? { backoffBaseMs: deps.backoffBaseMs } : {}),
    ...(deps.hooks ? { hooks: deps.hooks } : {}),
  });
  const fanoutDeps = {
    store: deps.store,
    portals: deps.portals,
    adminChatIds: deps.adminChatIds,
    tz,
    now,
    log: deps.log,
    ...(deps.overdue ? { overdue: deps.overdue } : {}),
    ...(deps.identity ? { identity: deps.identity } : {}),
  };

  let running: Promise<PumpResult> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  const doPump = async (): Promise<PumpResult> => {
    const enqueued = await fanOut(fanoutDeps);
    const drain = await sender.drain();
    return { enqueued, sent: drain.sent, failed: drain.failed, drain };
  };

  const pump = (): Promise<PumpResult> => {
    if (!running) {
      running = doPump().finally(() => {
        running = null;
      });
    }
    return running;
  };

  const tick = (): void => {
    if (stopped) return;
    pump()
      .catch((e: unknown) => deps.log.error({ err: e }, "notifier: pump failed"))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, deps.intervalMs ?? 2000);
      });
  };

  return {
    pump,
    start() {
      if (timer || running) return;
      stopped = false;
      sender.resume();
      // Without an api, alerts go to the log; main.ts prints the one "how to enable Telegram" line.
      tick();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      sender.stop();
      await running?.catch(() => undefined);
    },
    async runDigests(at?: Date) {
      const n = await enqueueDigests(fanoutDeps, at ?? now());
      if (n) await pump();
      return n;
    },
    reactivateChat: (chatId: number) => reactivateChat(deps.store, chatId),
    async status() {
      const counts: Record<OutboxStatus, number> = { pending: 0, sending: 0, sent: 0, uncertain: 0, failed: 0 };
      for (const row of await deps.store.listOutbox()) counts[row.status]++;
      return counts;
    },
  };
}
