/**
 * The outbox sender: drains due rows to Telegram with pacing and Telegram's error semantics.
 *
 * Exactly once, as far as Telegram allows (it has no idempotency key):
 * - claim: the row is persisted as "sending" BEFORE the HTTP call;
 * - send, then persist "sent" with the message_id.
 * A crash BEFORE the claim loses nothing (the row is still "pending" and is sent after restart).
 * A crash AFTER the claim leaves the row "sending": Telegram may or may not have delivered it. On
 * startup `recoverInterrupted()` marks such rows "uncertain" and they are NOT resent — a duplicate
 * alert is worse than the tiny window. Admins see exactly which (/uncertain) and resend them with
 * one confirmed action (/resend_uncertain, notify/uncertain.ts), at most once each.
 *
 * The window, a choice: at most ONE send in flight per chat and `concurrency` (default 2,
 * `DEFAULT_CONCURRENCY`) overall, where "in flight" runs from the claim to the durable mark — the
 * mark holds the slot too, so at any instant at most `concurrency` rows are "sending" and a crash
 * can leave at most that many uncertain. Rows waiting for pacing are never claimed. Two sends in
 * flight already reach ≈ 10–20 msg/s at a 100–200 ms round trip, close to Telegram's broadcast
 * limit (~25–30/s), so a wider window would buy little speed for more uncertainty.
 *
 * Errors, per row and per chat (one bad chat never stops the others):
 * - 429: wait `retry_after` (all sends pause); waits longer than `maxInlineWaitMs` are stored as
 *   the row's notBefore instead of being slept on, and the rest of the queue continues.
 * - 403 blocked / kicked / deactivated, 400 chat not found: the chat is marked inactive with the
 *   reason (kept; `reactivateChat` undoes it) and its pending rows become "failed".
 * - 400 "group chat was upgraded": `store.migrateChat(old, new)` and the row is resent to the new id.
 * - other 400s (malformed text): "failed" at once, lastError kept.
 * - 5xx and network errors: retried with exponential backoff (stored as notBefore), at most
 *   `maxAttempts` attempts, then "failed" with lastError.
 */
import { defaultChat } from "./chats.js";
import { GrammyError, HttpError, type Api } from "grammy";
import type { Logger } from "pino";
import type { Chat, ChatStore, OutboxItem, OutboxStore } from "../store/types.js";
import { quietDecision } from "./time.js";

/** Sends in flight at once overall (claim → durable mark); per chat it is always one. */
export const DEFAULT_CONCURRENCY = 2;

/** Telegram's broadcast limits (per chat 1/s, per group 20/min; overall ~30/s, we keep 25). */
export interface PaceLimits {
  perChatPerSec: number;
  perGroupPerMin: number;
  globalPerSec: number;
  /** Added to every window so clock jitter never crosses a limit, ms. */
  marginMs?: number;
}

/** The limits the issue asks for. */
export const DEFAULT_LIMITS: PaceLimits = { perChatPerSec: 1, perGroupPerMin: 20, globalPerSec: 25, marginMs: 5 };

/**
 * Sliding-window pacer (time injected). `waitMs` says how long until a send to a chat fits every
 * window; `record` books a slot, which counts as "now" while the request is under way, and
 * `settle` pins it to the time Telegram answered. Counting a send from its answer (not from when
 * it left) is what makes the pacing strict: the request reached Telegram at or before the
 * answer, so the next send, booked ≥ 1 s after that, arrives ≥ 1 s later too — whatever the
 * store write, connection setup or event-loop jitter in between. Group chats are negative ids.
 */
/** One booked send: pending while the request is under way. */
export interface PaceSlot {
  t: number;
  pending: boolean;
}

export class Pacer {
  private global: PaceSlot[] = [];
  private readonly perChat = new Map<number, PaceSlot[]>();
  private pausedUntil = 0;
  private readonly chatPausedUntil = new Map<number, number>();
  private readonly margin: number;

  constructor(
    private readonly limits: PaceLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.margin = limits.marginMs ?? 0;
  }

  /** Ms until `limit` slots within `win` ms free up (slots are few: sorting is cheap). */
  private static windowWait(slots: PaceSlot[], limit: number, win: number, now: number): number {
    const recent: number[] = [];
    for (const s of slots) {
      const t = s.pending ? now : s.t;
      if (t > now - win) recent.push(t);
    }
    if (recent.length < limit) return 0;
    recent.sort((a, b) => b - a);
    return recent[limit - 1]! + win - now;
  }

  /** Ms until the next send to anyone fits the global window (and any global pause). */
  globalWaitMs(): number {
    const t = this.now();
    const win = 1000 + this.margin;
    if (this.global.length > 4 * this.limits.globalPerSec) this.global = this.global.filter((s) => s.pending || s.t > t - win);
    return Math.max(0, this.pausedUntil - t, Pacer.windowWait(this.global, this.limits.globalPerSec, win, t));
  }

  /** Ms until a send to `chatId` fits every window. */
  waitMs(chatId: number): number {
    const t = this.now();
    let w = Math.max(this.globalWaitMs(), (this.chatPausedUntil.get(chatId) ?? 0) - t);
    const slots = this.perChat.get(chatId);
    if (slots) {
      const minWin = 60_000 + this.margin;
      const live = slots.filter((s) => s.pending || s.t > t - minWin);
      if (!live.length) this.perChat.delete(chatId);
      else {
        if (live.length !== slots.length) this.perChat.set(chatId, live);
        w = Math.max(w, Pacer.windowWait(live, this.limits.perChatPerSec, 1000 + this.margin, t));
        if (chatId < 0) w = Math.max(w, Pacer.windowWait(live, this.limits.perGroupPerMin, minWin, t));
      }
    }
    return Math.max(0, w);
  }

  /** Books a send to `chatId`; pass the result to `settle` when Telegram answers (or `release`). */
  record(chatId: number): PaceSlot {
    const slot: PaceSlot = { t: this.now(), pending: true };
    this.global.push(slot);
    const slots = this.perChat.get(chatId) ?? [];
    slots.push(slot);
    this.perChat.set(chatId, slots);
    return slot;
  }

  /** Pins a booked slot to now (the answer came back). */
  settle(slot: PaceSlot): void {
    slot.t = Math.max(slot.t, this.now());
    slot.pending = false;
  }

  /** Gives a booked slot back (nothing was sent). */
  release(slot: PaceSlot): void {
    slot.t = Number.NEGATIVE_INFINITY;
    slot.pending = false;
  }

  /** No sends at all before `until` (epoch ms) — a 429 from Telegram. */
  pauseAll(until: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, until);
  }

  /** No sends to one chat before `until` (epoch ms). */
  pauseChat(chatId: number, until: number): void {
    this.chatPausedUntil.set(chatId, Math.max(this.chatPausedUntil.get(chatId) ?? 0, until));
  }
}

/** Test seam: called after Telegram answered and before the row is marked sent. */
export interface SenderHooks {
  beforeMark?: (item: OutboxItem, messageId: number) => void | Promise<void>;
}

export interface SenderOptions {
  store: ChatStore & OutboxStore;
  /** grammY Api; null = no token: rows are written to the log and marked sent. */
  api: Api | null;
  log: Logger;
  tz: string;
  now?: () => Date;
  limits?: PaceLimits;
  /** Sends in flight at once, claim to durable mark, each to a different chat (default 2). */
  concurrency?: number;
  /** 429 waits and backoffs up to this are slept on inside one drain; longer ones are stored. */
  maxInlineWaitMs?: number;
  maxAttempts?: number;
  /** First retry delay for 5xx / network errors; doubles per attempt. */
  backoffBaseMs?: number;
  hooks?: SenderHooks;
}

/** What one drain did. */
export interface DrainStats {
  sent: number;
  failed: number;
  retried: number;
  rateLimited: number;
  migrated: number;
  deactivated: number;
}

/** Reason text stored on rows left in "sending" by a crash. */
export const UNCERTAIN_REASON = "进程在发送途中退出：无法确认是否已送达，为避免重复不再重发 (process died during the send; not resent to avoid a duplicate)";

/** Telegram descriptions (403, some 400s) that mean the chat cannot be written to. */
export const BLOCKED_RE = /blocked|kicked|deactivated|not a member|can't initiate|chat not found|user not found|have no rights to send/i;

/** Marks a chat inactive with a reason (kept; reversible). */
export async function deactivateChat(store: ChatStore, chatId: number, reason: string, now: Date): Promise<void> {
  const chat = await store.getChat(chatId);
  const base: Chat = chat ?? defaultChat(chatId, now);
  await store.putChat({ ...base, active: false, inactiveReason: reason });
}

/**
 * Reactivates a chat (on /start, or when the bot is re-added — my_chat_member). Returns true when
 * it was inactive. Rows that failed because the chat was inactive stay failed: those alerts are old.
 */
export async function reactivateChat(store: ChatStore, chatId: number): Promise<boolean> {
  const chat = await store.getChat(chatId);
  if (!chat || chat.active) return false;
  const { inactiveReason: _r, ...rest } = chat;
  await store.putChat({ ...rest, active: true });
  return true;
}

/** Drains the outbox; one instance per process (it keeps the pacing state). */
export class Sender {
  private readonly pacer: Pacer;
  private readonly now: () => Date;
  private stopping = false;
  private readonly wakers = new Set<() => void>();
  private recovered = false;

  constructor(private readonly o: SenderOptions) {
    this.now = o.now ?? (() => new Date());
    this.pacer = new Pacer(o.limits ?? DEFAULT_LIMITS, () => this.now().getTime());
  }

  /** Rows left "sending" by a previous process become "uncertain" (not resent). Call once at startup. */
  async recoverInterrupted(): Promise<number> {
    if (this.recovered) return 0;
    this.recovered = true;
    const stuck = await this.o.store.listOutbox({ status: "sending" });
    for (const row of stuck) {
      await this.o.store.updateOutbox(row.key, { status: "uncertain", lastError: UNCERTAIN_REASON });
      this.o.log.warn({ key: row.key, chatId: row.chatId }, "notifier: alert of an interrupted send marked uncertain (not resent)");
    }
    return stuck.length;
  }

  /** Asks a running drain to finish its current sends and return. */
  stop(): void {
    this.stopping = true;
    for (const w of this.wakers) w();
  }

  /** Allows draining again after stop() (tests restart a notifier in one process). */
  resume(): void {
    this.stopping = false;
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }

  /**
   * Sends every due row, pacing per chat / group / globally, until nothing is due now and nothing
   * becomes due within `maxInlineWaitMs`. Returns what it did.
   */
  async drain(): Promise<DrainStats> {
    await this.recoverInterrupted();
    const { store } = this.o;
    const stats: DrainStats = { sent: 0, failed: 0, retried: 0, rateLimited: 0, migrated: 0, deactivated: 0 };
    const concurrency = Math.max(1, this.o.concurrency ?? DEFAULT_CONCURRENCY);
    const maxInline = this.o.maxInlineWaitMs ?? 30_000;
    const busy = new Set<number>();
    const inflight = new Set<Promise<void>>();
    const chatCache = new Map<number, Chat | null>();
    let refresh = false;

    const getChat = async (id: number): Promise<Chat | null> => {
      if (!chatCache.has(id)) chatCache.set(id, await store.getChat(id));
      return chatCache.get(id) ?? null;
    };

    let stalled = false;
    while (!this.stopping && !stalled) {
      refresh = false;
      const due = await store.duePending(this.now(), 5000);
      const firstPerChat = new Set<number>();
      const batch: OutboxItem[] = [];
      for (const r of due) {
        // Parts of one alert go in order: only a chat's oldest due row is eligible at a time.
        if (firstPerChat.has(r.chatId)) continue;
        firstPerChat.add(r.chatId);
        if (!busy.has(r.chatId)) batch.push(r);
      }
      if (!batch.length) {
        if (inflight.size) {
          await Promise.race(inflight);
          continue;
        }
        const pending = await store.listOutbox({ status: "pending" });
        const t = this.now().getTime();
        const next = pending.reduce((m, p) => Math.min(m, p.notBefore ? Date.parse(p.notBefore) : t), Infinity);
        if (pending.length && next - t <= maxInline) {
          await this.sleep(Math.max(5, next - t));
          continue;
        }
        break;
      }
      while (batch.length && !this.stopping && !refresh) {
        if (inflight.size >= concurrency) {
          await Promise.race(inflight);
          continue;
        }
        const gw = this.pacer.globalWaitMs();
        if (gw > 0) {
          await this.sleep(gw);
          continue;
        }
        let idx = -1;
        let minWait = Infinity;
        for (let i = 0; i < batch.length; i++) {
          const w = this.pacer.waitMs(batch[i]!.chatId);
          if (w === 0) {
            idx = i;
            break;
          }
          minWait = Math.min(minWait, w);
        }
        if (idx < 0) {
          if (inflight.size) await Promise.race([...inflight, this.sleep(minWait)]);
          else if (minWait <= maxInline) await this.sleep(minWait);
          else {
            // Every due row waits longer than we sleep inline (a group's 20/min): next pump.
            stalled = true;
            break;
          }
          continue;
        }
        const row = batch.splice(idx, 1)[0]!;
        busy.add(row.chatId);
        const slot = this.pacer.record(row.chatId);
        const p: Promise<void> = this.sendOne(row, slot, getChat, stats)
          .then((outcome) => {
            if (outcome === "migrated" || outcome === "deactivated") {
              chatCache.clear();
              refresh = true;
            }
          })
          .catch((e: unknown) => {
            this.pacer.settle(slot);
            // Store failures: log, leave the row for the next drain.
            this.o.log.error({ err: e, key: row.key }, "notifier: outbox bookkeeping failed");
          })
          .finally(() => {
            busy.delete(row.chatId);
            inflight.delete(p);
          });
        inflight.add(p);
      }
      // A migration or deactivation rewrote rows: wait for in-flight sends, then re-read.
      if (refresh || this.stopping) await Promise.all(inflight);
    }
    await Promise.all(inflight);
    return stats;
  }

  /**
   * Sends one row. `slot` was booked in the pacer at dispatch, BEFORE the claim: a row waiting
   * for pacing is never claimed, so a crash leaves only rows whose HTTP call may be under way in
   * "sending" (the pacer counts the slot as "now" until Telegram answers).
   */
  private async sendOne(
    row: OutboxItem,
    slot: PaceSlot,
    getChat: (id: number) => Promise<Chat | null>,
    stats: DrainStats,
  ): Promise<"sent" | "failed" | "retry" | "deferred" | "migrated" | "deactivated"> {
    const { store, log } = this.o;
    const chat = await getChat(row.chatId);
    const now = this.now();
    if (chat && !chat.active) {
      this.pacer.release(slot);
      await store.updateOutbox(row.key, { status: "failed", lastError: `chat inactive: ${chat.inactiveReason ?? ""}`.trim() });
      stats.failed++;
      return "failed";
    }
    const q = chat ? quietDecision(chat, now, this.o.tz) : null;
    if (q && "holdUntil" in q) {
      this.pacer.release(slot);
      await store.updateOutbox(row.key, { notBefore: q.holdUntil.toISOString() });
      return "deferred";
    }
    const silent = row.silent === true || (q !== null && "silent" in q);

    // Claim, durably, before the HTTP call (see the file comment).
    await store.updateOutbox(row.key, { status: "sending", attempts: row.attempts + 1 });
    if (!this.o.api) {
      this.pacer.release(slot);
      log.info({ chatId: row.chatId, threadId: row.threadId, key: row.key, text: row.text }, "alert (no TELEGRAM_BOT_TOKEN: logged, not sent)");
      await store.updateOutbox(row.key, { status: "sent", sentAt: now.toISOString(), lastError: "no token: written to the log" });
      stats.sent++;
      return "sent";
    }
    let messageId: number;
    try {
      const msg = await this.o.api.sendMessage(row.chatId, row.text, {
        parse_mode: "HTML",
        link_preview_options: { is_disabled: true },
        ...(row.threadId !== undefined ? { message_thread_id: row.threadId } : {}),
        ...(silent ? { disable_notification: true } : {}),
      });
      messageId = msg.message_id;
    } catch (e) {
      this.pacer.settle(slot);
      return this.onError(row, e, stats);
    }
    this.pacer.settle(slot);
    // The mark holds the send slot (see the file comment): the window of uncertainty is bounded
    // by `concurrency` rows. A crash before it completes leaves the row "sending" → uncertain.
    try {
      await this.o.hooks?.beforeMark?.(row, messageId);
      // A sent row keeps its key (idempotency) but drops its text: the store keeps every row in
      // memory and rewrites its outbox journal now and then, and 5,000 sent texts would bloat both.
      await store.updateOutbox(row.key, { status: "sent", sentAt: this.now().toISOString(), messageId, lastError: null, text: "" });
      stats.sent++;
    } catch (e) {
      this.o.log.error({ err: e, key: row.key }, "notifier: could not mark an alert sent");
    }
    return "sent";
  }

  /** A part waiting for a retry holds back the later parts of the same message (order in the chat). */
  private async holdLaterParts(row: OutboxItem, until: number): Promise<void> {
    for (const other of await this.o.store.listOutbox({ chatId: row.chatId, status: "pending" })) {
      if (other.key === row.key || other.eventId !== row.eventId) continue;
      if (other.notBefore && Date.parse(other.notBefore) >= until) continue;
      await this.o.store.updateOutbox(other.key, { notBefore: new Date(until).toISOString() });
    }
  }

  private async onError(row: OutboxItem, e: unknown, stats: DrainStats): Promise<"failed" | "retry" | "migrated" | "deactivated"> {
    const { store, log } = this.o;
    const now = this.now();
    if (e instanceof GrammyError) {
      const desc = e.description;
      if (e.error_code === 429) {
        stats.rateLimited++;
        const ra = Math.max(0.01, e.parameters.retry_after ?? 1);
        const until = now.getTime() + Math.ceil(ra * 1000);
        if (ra * 1000 <= (this.o.maxInlineWaitMs ?? 30_000)) {
          this.pacer.pauseAll(until);
          await store.updateOutbox(row.key, { status: "pending", attempts: row.attempts, lastError: desc });
        } else {
          // A long flood wait: stored, not slept on; the rest of the queue continues.
          this.pacer.pauseChat(row.chatId, until);
          await store.updateOutbox(row.key, { status: "pending", attempts: row.attempts, notBefore: new Date(until).toISOString(), lastError: desc });
          await this.holdLaterParts(row, until);
        }
        log.warn({ chatId: row.chatId, retryAfter: ra }, "notifier: 429 from Telegram");
        return "retry";
      }
      const migrateTo = e.parameters.migrate_to_chat_id;
      if (e.error_code === 400 && typeof migrateTo === "number") {
        await store.updateOutbox(row.key, { status: "pending", attempts: row.attempts, lastError: desc });
        await store.migrateChat(row.chatId, migrateTo);
        stats.migrated++;
        log.info({ from: row.chatId, to: migrateTo }, "notifier: group upgraded to supergroup; subscriptions moved");
        return "migrated";
      }
      if (e.error_code === 403 || (e.error_code === 400 && BLOCKED_RE.test(desc))) {
        await deactivateChat(store, row.chatId, desc, now);
        await store.updateOutbox(row.key, { status: "failed", lastError: desc });
        stats.failed++;
        for (const other of await store.listOutbox({ chatId: row.chatId, status: "pending" })) {
          await store.updateOutbox(other.key, { status: "failed", lastError: `chat inactive: ${desc}` });
          stats.failed++;
        }
        stats.deactivated++;
        log.warn({ chatId: row.chatId, reason: desc }, "notifier: chat marked inactive");
        return "deactivated";
      }
      if (e.error_code >= 400 && e.error_code < 500) {
        await store.updateOutbox(row.key, { status: "failed", lastError: desc });
        stats.failed++;
        log.error({ chatId: row.chatId, key: row.key, error: desc }, "notifier: Telegram refused the alert");
        return "failed";
      }
    }
    // 5xx, network errors and anything unexpected: bounded exponential backoff.
    const attempts = row.attempts + 1;
    const msg = e instanceof GrammyError ? `${e.error_code} ${e.description}` : e instanceof HttpError ? `network: ${String(e.error)}` : String(e);
    if (attempts >= (this.o.maxAttempts ?? 5)) {
      await store.updateOutbox(row.key, { status: "failed", attempts, lastError: msg });
      stats.failed++;
      log.error({ chatId: row.chatId, key: row.key, error: msg, attempts }, "notifier: alert failed after retries");
      return "failed";
    }
    const delay = Math.min((this.o.backoffBaseMs ?? 1000) * 2 ** (attempts - 1), 15 * 60_000);
    await store.updateOutbox(row.key, { status: "pending", attempts, notBefore: new Date(now.getTime() + delay).toISOString(), lastError: msg });
    await this.holdLaterParts(row, now.getTime() + delay);
    stats.retried++;
    log.warn({ chatId: row.chatId, error: msg, attempts, delayMs: delay }, "notifier: send failed, will retry");
    return "retry";
  }
}
