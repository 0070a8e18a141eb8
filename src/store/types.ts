/**
 * What nianbao persists, as role interfaces (reports, raw sources, events, chats, outbox, portal
 * state, typed key-value) and `Store`, their sum. Drivers: `lowdb.ts` (files, the default) and
 * `memory.ts` (tests); another engine is added by passing the shared behavioural suite in
 * test/store/contract.ts.
 *
 * All methods are async so a networked engine fits the same shape. Every mutating method is
 * durable when its promise resolves (the lowdb driver writes the file atomically first, or, for
 * the outbox, appends an fsync'd journal line).
 */
import type { FigureChange } from "../report/figures.js";
import type { Finding, Report } from "../report/schema.js";
import type { MetaKey, MetaSchema } from "./meta.js";

export type { LastCycle, MetaKey, MetaSchema, UnparsedNote, CallbackEntry } from "./meta.js";
export { metaKey } from "./meta.js";

/** A portal's 年报 column, as listed in data/portals.json. */
export interface PortalEntry {
  /** Stable id, [a-z0-9-]. */
  id: string;
  /** Display name, e.g. 平潭综合实验区. */
  name: string;
  /** URL of the 年报 column (list page). */
  url: string;
  /** e.g. "福建 平潭". */
  region?: string;
  /** "government" publishes by 31 March, "department" by 31 January. */
  level?: "government" | "department" | "township";
  notes?: string;
  /** Optional CSS selectors for sites the generic discovery misreads. */
  selectors?: { list?: string; link?: string; next?: string };
}

/** Scheduler and health state of one portal, persisted so restarts heal themselves. */
export interface PortalState {
  portalId: string;
  /** ISO timestamp of the next due check. */
  nextCheckAt: string | null;
  lastCheckAt: string | null;
  lastOkAt: string | null;
  /** Consecutive failures. */
  failures: number;
  lastError: string | null;
  /** True once the first (baseline) cycle completed. */
  baselineDone: boolean;
  /** True while an admin "down" alert is outstanding. */
  downAlerted: boolean;
  /** Conditional-GET validators per URL. */
  http: Record<string, { etag?: string; lastModified?: string }>;
}

/** One stored report: the parse JSON plus where and when it came from. */
export interface StoredReport {
  /** Stable id derived from the canonical URL. */
  id: string;
  url: string;
  portalId: string;
  /** sha256 of the raw bytes. */
  contentHash: string;
  /** The raw source is kept on disk by hash (see Store.putRaw). */
  rawType: "html" | "text" | "pdf" | "docx";
  fetchedAt: string;
  publishedAt: string | null;
  /** Normalised agency key (history/identity), filled when known. */
  agencyKey?: string | null;
  report: Report;
  /** Plain narrative text, for repetition checks across years (may be omitted to save space). */
  text?: string;
  /** When the article page only linked the report: the PDF/DOC(X) actually parsed (`url` stays the article). */
  attachmentUrl?: string;
  /** With an attachment: sha256 of the article page itself, so an unchanged page is not re-parsed. */
  pageHash?: string;
}

export type EventKind = "new" | "updated" | "baseline" | "portalDown" | "portalRecovered" | "noReport";

/** Something the watcher found; the notifier turns events into outbox rows. */
export interface WatchEvent {
  /** Unique id, e.g. "new:<reportId>:<contentHash>". Idempotent: adding twice is a no-op. */
  id: string;
  /** Monotonic sequence number assigned by the store. */
  seq: number;
  kind: EventKind;
  at: string;
  portalId: string;
  reportIds: string[];
  /**
   * For "updated": the key figures that changed, as values (rendered in each chat's language by
   * the notifier). Empty: the tables changed but no key figure did.
   */
  figureChanges?: FigureChange[];
  /** Events written before figureChanges existed: the changes as zh-CN lines. Read only. */
  changes?: string[];
  /** Free details (error text for portalDown, years for baseline …). */
  detail?: Record<string, unknown>;
}

export interface Chat {
  id: number;
  type: "private" | "group" | "supergroup" | "channel";
  title?: string;
  /** False after 403 blocked/kicked/deactivated; reversible. */
  active: boolean;
  lang: "zh" | "en";
  digest: { mode: "off" | "daily" | "weekly"; time: string };
  quiet: { from: number; to: number; mode: "hold" | "silent" } | null;
  lastDigestAt: string | null;
  createdAt: string;
  inactiveReason?: string;
}

export interface Subscription {
  chatId: number;
  /** Forum topic (message_thread_id). */
  threadId?: number;
  kind: "agency" | "region" | "keyword" | "all";
  value: string;
  createdAt: string;
}

export type OutboxStatus = "pending" | "sending" | "sent" | "uncertain" | "failed";

/** One message to one chat, with an idempotency key (chatId + event id + part). */
export interface OutboxItem {
  key: string;
  chatId: number;
  threadId?: number;
  eventId: string;
  /** Telegram HTML text (≤ 4096 chars). */
  text: string;
  silent?: boolean;
  status: OutboxStatus;
  attempts: number;
  /** ISO time before which the item must not be sent (429 retry_after, quiet hours). */
  notBefore: string | null;
  createdAt: string;
  sentAt: string | null;
  messageId: number | null;
  lastError: string | null;
  /** On an "uncertain" row an admin resent: the key of the copy (it is never resent again). */
  resentAs?: string;
}

/**
 * The small, index-sized part of a StoredReport (what lookups and lists match on), shaped like
 * StoredReport so code written for `Pick<StoredReport, …>` takes heads too. Heads returned by the
 * store are shared and frozen: read them, never change them.
 */
export interface ReportHead {
  id: string;
  url: string;
  portalId: string;
  agencyKey: string | null;
  fetchedAt: string;
  publishedAt: string | null;
  report: {
    title: string | null;
    agency: string | null;
    year: number | null;
    /** 发布日期 printed in the report, when parsed. */
    publishedAt: string | null;
  };
  /** The report's error and warning findings (info findings are only counted). */
  issues: readonly Finding[];
  findingCounts: { error: number; warning: number; info: number };
}

export interface ReportQuery {
  /** Substring of agency or title. */
  agency?: string;
  agencyKey?: string;
  year?: number;
  portalId?: string;
  region?: string;
}

/*
 * Role interfaces: each consumer takes only the roles it uses (e.g. `store: ReportStore &
 * EventLog`), so a function's signature says what it reads and writes, and a test can hand it
 * the MemoryStore. `Store` is all of them plus open/close (what a driver implements).
 */

/** Scheduler and health state per portal (the registry itself is data/portals.json, watch/portals.ts). */
export interface PortalStateStore {
  getPortalState(portalId: string): Promise<PortalState | null>;
  putPortalState(state: PortalState): Promise<void>;
  listPortalStates(): Promise<PortalState[]>;
}

/** Parsed reports and their heads. */
export interface ReportStore {
  getReport(id: string): Promise<StoredReport | null>;
  /** Insert or replace by id. */
  putReport(r: StoredReport): Promise<void>;
  /** Several at once, one durable write. */
  putReports(rs: StoredReport[]): Promise<void>;
  findReports(q: ReportQuery): Promise<StoredReport[]>;
  countReports(): Promise<number>;
  /**
   * Heads of every report, in findReports({}) order; cheap (kept in memory and current on put),
   * so lookups match on heads and then read only the hits with getReports.
   */
  listReportHeads(): Promise<readonly ReportHead[]>;
  /** Heads of the reports findReports(q) would return, in the same order (nothing copied). */
  findReportHeads(q: ReportQuery): Promise<ReportHead[]>;
  /** Full copies of the reports with these ids, in the order given; unknown ids are skipped. */
  getReports(ids: readonly string[]): Promise<StoredReport[]>;
}

/** Raw source bytes, content-addressed by sha256 (so a newer parser can re-run over everything). */
export interface RawStore {
  putRaw(hash: string, bytes: Uint8Array): Promise<void>;
  getRaw(hash: string): Promise<Uint8Array | null>;
}

/** The append-only event log, idempotent by event id. */
export interface EventLog {
  /** Returns the events actually added (already-known ids are skipped), with increasing seq. */
  addEvents(evs: Omit<WatchEvent, "seq">[]): Promise<WatchEvent[]>;
  eventsAfter(seq: number, limit?: number): Promise<WatchEvent[]>;
}

/** Typed key-value (cursors, journals, last cycle …): keys and value types are in meta.ts. */
export interface MetaStore {
  getMeta<K extends MetaKey>(key: K): Promise<MetaSchema[K] | undefined>;
  setMeta<K extends MetaKey>(key: K, value: MetaSchema[K]): Promise<void>;
}

/** Chats and their subscriptions. */
export interface ChatStore {
  getChat(id: number): Promise<Chat | null>;
  putChat(c: Chat): Promise<void>;
  listChats(): Promise<Chat[]>;
  /** Moves a chat's row, subscriptions and unsent outbox rows to a new id (group → supergroup). */
  migrateChat(fromId: number, toId: number): Promise<void>;
  listSubscriptions(chatId?: number): Promise<Subscription[]>;
  /** False when the same chat/thread/kind/value already exists. */
  addSubscription(s: Subscription): Promise<boolean>;
  removeSubscription(chatId: number, kind: Subscription["kind"], value: string, threadId?: number): Promise<boolean>;
}

/** Messages to send, one row per chat and alert part, deduplicated by key. */
export interface OutboxStore {
  /** Enqueue; items whose key already exists are ignored. Returns how many were added. */
  enqueue(items: OutboxItem[]): Promise<number>;
  /** Items with status pending and notBefore ≤ now, oldest first. */
  duePending(now: Date, limit: number): Promise<OutboxItem[]>;
  /** Patches one row (its key cannot change); rejects for an unknown key. */
  updateOutbox(key: string, patch: Partial<OutboxItem>): Promise<void>;
  listOutbox(filter?: { status?: OutboxStatus; chatId?: number }): Promise<OutboxItem[]>;
}

/**
 * Everything nianbao persists: what a driver implements (lowdb.ts, memory.ts) and what the
 * composition root holds. Consumers take the roles above instead.
 */
export interface Store extends PortalStateStore, ReportStore, RawStore, EventLog, MetaStore, ChatStore, OutboxStore {
  /** Loads / creates the data; throws StoreCorruptError with a clear message. */
  open(): Promise<void>;
  close(): Promise<void>;
}

export class StoreCorruptError extends Error {
  constructor(
    public readonly file: string,
    public readonly backup: string,
    cause: string,
  ) {
    super(`数据文件已损坏：${file}（${cause}）。已备份到 ${backup}；请检查或删除后重启。`);
    this.name = "StoreCorruptError";
  }
}

/**
 * One data file is older than the other one records (restored from an old backup, replaced,
 * emptied to `{}` or deleted): refused on open, since going on would forget subscriptions or
 * re-announce reports. Nothing is changed on disk. A StoreCorruptError, so every entry point
 * already reports it and exits with the configuration code.
 */
export class StoreRollbackError extends StoreCorruptError {
  constructor(
    file: string,
    public readonly detail: string,
    public readonly acceptFile: string,
  ) {
    super(file, "", detail);
    this.message = (
      `数据文件 ${file} 比另一个数据文件所记录的旧（${detail}）：可能被旧备份替换、清空或删除。为避免丢失订阅或重复推送，已拒绝启动，未做任何修改。` +
        `若确认要接受这个旧副本，请创建文件 ${acceptFile} 后重启（仅生效一次）。/ ${file} is older than the other data file records (${detail}); ` +
        `refusing to start. To accept it on purpose, create ${acceptFile} and restart (used once).`
    );
    this.name = "StoreRollbackError";
  }
}
