/**
 * A Store held in memory: the same semantics as the lowdb driver (test/store/contract.ts runs
 * against both) without touching disk — for tests of the watcher, the bot and the history
 * answers, and for tools that work on a throwaway copy.
 *
 * Values are copied in and out (structuredClone), exactly as the lowdb driver copies them, so a
 * caller that mutates what it got back cannot change the store; report heads are shared and
 * frozen. Data survives close()/open() on the same instance and is gone with it.
 */
import { HeadIndex, headMatches, toHead } from "./heads.js";
import type { MetaKey, MetaSchema } from "./meta.js";
import { applyPatch } from "./outbox-journal.js";
import { SENT_RETENTION_MS, checkRawHash, migrateChatState, migratedOutboxKey, subKey } from "./rules.js";
import type {
  Chat,
  OutboxItem,
  OutboxStatus,
  PortalState,
  ReportHead,
  ReportQuery,
  Store,
  StoredReport,
  Subscription,
  WatchEvent,
} from "./types.js";

const clone = <T>(v: T): T => structuredClone(v);

export class MemoryStore implements Store {
  private opened = false;
  private portals = new Map<string, PortalState>();
  /**
   * A plain object, not a Map: findReports order is the object's own key order, as in the lowdb
   * driver (where it is also the order of reports.json), integer-like ids included.
   */
  private reports: Record<string, StoredReport> = Object.create(null) as Record<string, StoredReport>;
  private heads = new Map<string, ReportHead>();
  private headList: readonly ReportHead[] | null = null;
  private headIndex: HeadIndex | null = null;
  private raw = new Map<string, Uint8Array>();
  private events: WatchEvent[] = [];
  private eventIds = new Set<string>();
  private nextSeq = 1;
  private meta = new Map<string, unknown>();
  private chats: Record<string, Chat> = Object.create(null) as Record<string, Chat>;
  private subscriptions: Subscription[] = [];
  /** Outbox rows in queue order (oldest first) and by key. */
  private outbox: OutboxItem[] = [];
  private outboxByKey = new Map<string, OutboxItem>();

  async open(): Promise<void> {
    this.opened = true;
  }
  async close(): Promise<void> {
    this.opened = false;
  }

  private check(): void {
    if (!this.opened) throw new Error("store is not open");
  }

  // ---- portal states
  async getPortalState(portalId: string): Promise<PortalState | null> {
    this.check();
    const p = this.portals.get(portalId);
    return p ? clone(p) : null;
  }
  async putPortalState(state: PortalState): Promise<void> {
    this.check();
    this.portals.set(state.portalId, clone(state));
  }
  async listPortalStates(): Promise<PortalState[]> {
    this.check();
    return [...this.portals.values()].map(clone);
  }

  // ---- reports
  async getReport(id: string): Promise<StoredReport | null> {
    this.check();
    const r = Object.hasOwn(this.reports, id) ? this.reports[id] : undefined;
    return r ? clone(r) : null;
  }
  async putReport(r: StoredReport): Promise<void> {
    await this.putReports([r]);
  }
  async putReports(rs: StoredReport[]): Promise<void> {
    this.check();
    for (const r of rs) {
      this.reports[r.id] = clone(r);
      this.heads.set(r.id, toHead(r));
    }
    if (rs.length) {
      this.headList = null;
      this.headIndex = null;
    }
  }
  async findReports(q: ReportQuery): Promise<StoredReport[]> {
    this.check();
    return this.match(q).map((h) => clone(this.reports[h.id]!));
  }
  async findReportHeads(q: ReportQuery): Promise<ReportHead[]> {
    this.check();
    return this.match(q);
  }
  async countReports(): Promise<number> {
    this.check();
    return this.heads.size;
  }
  async listReportHeads(): Promise<readonly ReportHead[]> {
    this.check();
    return this.headsInOrder();
  }
  async getReports(ids: readonly string[]): Promise<StoredReport[]> {
    this.check();
    const out: StoredReport[] = [];
    for (const id of ids) {
      const r = Object.hasOwn(this.reports, id) ? this.reports[id] : undefined;
      if (r) out.push(clone(r));
    }
    return out;
  }

  private headsInOrder(): readonly ReportHead[] {
    this.headList ??= Object.freeze(Object.keys(this.reports).map((id) => this.heads.get(id)!));
    return this.headList;
  }

  private match(q: ReportQuery): ReportHead[] {
    if (q.portalId !== undefined) return this.headsInOrder().filter((h) => headMatches(h, q));
    this.headIndex ??= new HeadIndex(this.headsInOrder());
    return this.headIndex.find(q);
  }

  // ---- raw sources
  async putRaw(hash: string, bytes: Uint8Array): Promise<void> {
    this.check();
    if (!this.raw.has(checkRawHash(hash))) this.raw.set(hash, new Uint8Array(bytes));
  }
  async getRaw(hash: string): Promise<Uint8Array | null> {
    this.check();
    const b = this.raw.get(checkRawHash(hash));
    return b ? new Uint8Array(b) : null;
  }

  // ---- events
  async addEvents(evs: Omit<WatchEvent, "seq">[]): Promise<WatchEvent[]> {
    this.check();
    const added: WatchEvent[] = [];
    for (const e of evs) {
      if (this.eventIds.has(e.id)) continue;
      const ev: WatchEvent = { ...clone(e), seq: this.nextSeq++ };
      this.events.push(ev);
      this.eventIds.add(ev.id);
      added.push(ev);
    }
    return added.map(clone);
  }
  async eventsAfter(seq: number, limit = 1000): Promise<WatchEvent[]> {
    this.check();
    const out: WatchEvent[] = [];
    for (const e of this.events) {
      if (out.length >= limit) break;
      if (e.seq > seq) out.push(clone(e));
    }
    return out;
  }

  // ---- typed key-value
  async getMeta<K extends MetaKey>(key: K): Promise<MetaSchema[K] | undefined> {
    this.check();
    const v = this.meta.get(key);
    return v === undefined ? undefined : (clone(v) as MetaSchema[K]);
  }
  async setMeta<K extends MetaKey>(key: K, value: MetaSchema[K]): Promise<void> {
    this.check();
    this.meta.set(key, clone(value));
  }

  // ---- chats & subscriptions
  async getChat(id: number): Promise<Chat | null> {
    this.check();
    const c = this.chats[String(id)];
    return c ? clone(c) : null;
  }
  async putChat(c: Chat): Promise<void> {
    this.check();
    this.chats[String(c.id)] = clone(c);
  }
  async listChats(): Promise<Chat[]> {
    this.check();
    return Object.values(this.chats).map(clone);
  }
  async migrateChat(fromId: number, toId: number): Promise<void> {
    this.check();
    const state = { chats: this.chats, subscriptions: this.subscriptions };
    migrateChatState(state, fromId, toId);
    this.subscriptions = state.subscriptions;
    for (const o of this.outbox) {
      if (o.chatId !== fromId || o.status === "sent") continue;
      this.outboxByKey.delete(o.key);
      o.key = migratedOutboxKey(o.key, fromId, toId);
      o.chatId = toId;
      this.outboxByKey.set(o.key, o);
    }
  }
  async listSubscriptions(chatId?: number): Promise<Subscription[]> {
    this.check();
    return this.subscriptions.filter((x) => chatId === undefined || x.chatId === chatId).map(clone);
  }
  async addSubscription(sub: Subscription): Promise<boolean> {
    this.check();
    const k = subKey(sub);
    if (this.subscriptions.some((x) => subKey(x) === k)) return false;
    this.subscriptions.push(clone(sub));
    return true;
  }
  async removeSubscription(chatId: number, kind: Subscription["kind"], value: string, threadId?: number): Promise<boolean> {
    this.check();
    const k = subKey({ chatId, kind, value, threadId });
    const before = this.subscriptions.length;
    this.subscriptions = this.subscriptions.filter((x) => subKey(x) !== k);
    return this.subscriptions.length !== before;
  }

  // ---- outbox
  async enqueue(items: OutboxItem[]): Promise<number> {
    this.check();
    let n = 0;
    for (const it of items) {
      if (this.outboxByKey.has(it.key)) continue;
      const row = clone(it);
      this.outbox.push(row);
      this.outboxByKey.set(row.key, row);
      n++;
    }
    if (n) {
      const cutoff = Date.now() - SENT_RETENTION_MS;
      const kept = this.outbox.filter((o) => !(o.status === "sent" && o.sentAt && Date.parse(o.sentAt) < cutoff));
      if (kept.length !== this.outbox.length) {
        this.outbox = kept;
        this.outboxByKey = new Map(kept.map((o) => [o.key, o]));
      }
    }
    return n;
  }
  async duePending(now: Date, limit: number): Promise<OutboxItem[]> {
    this.check();
    const t = now.getTime();
    const out: OutboxItem[] = [];
    for (const o of this.outbox) {
      if (out.length >= limit) break;
      if (o.status !== "pending") continue;
      if (o.notBefore && Date.parse(o.notBefore) > t) continue;
      out.push(clone(o));
    }
    return out;
  }
  async updateOutbox(key: string, patch: Partial<OutboxItem>): Promise<void> {
    this.check();
    const row = this.outboxByKey.get(key);
    if (!row) throw new Error(`outbox item not found: ${key}`);
    applyPatch(row, clone(patch) as Record<string, unknown>);
  }
  async listOutbox(filter: { status?: OutboxStatus; chatId?: number } = {}): Promise<OutboxItem[]> {
    this.check();
    return this.outbox
      .filter((o) => (filter.status === undefined || o.status === filter.status) && (filter.chatId === undefined || o.chatId === filter.chatId))
      .map(clone);
  }
}
