/**
 * The embedded default Store: lowdb over two JSON files in DATA_DIR plus a content-addressed raw
 * folder.
 *
 * - `state.json`: small, hot state (portal states, events, chats, subscriptions, meta). Its
 *   `outbox` array stays empty: rows found there (older versions) move to outbox.jsonl on open.
 * - `outbox.jsonl`: the outbox as an append-only journal (outbox-journal.ts): the sender changes a
 *   row's status twice per alert, and one appended line is far cheaper than rewriting state.json.
 * - `reports.json`: the parsed reports, rewritten only when reports change (lowdb rewrites the
 *   whole file on every write, so the hot state is kept apart from the large one).
 * - `raw/ab/abcdef…`: the raw source bytes by sha256, so `nianbao reparse` can re-run a newer
 *   parser over everything.
 *
 * Exactly one instance per DATA_DIR per process (two `Low`s on one file lose updates).
 */
import { mkdir, readFile, open, rename, stat, unlink } from "node:fs/promises";
import { StoreRollbackError } from "./types.js";
import { join } from "node:path";
import { Low } from "lowdb";
import { DurableJSONFile } from "./durable-file.js";
import { lockDir } from "./lock.js";
import { HeadIndex, headMatches, toHead } from "./heads.js";
import { OutboxJournal, type CompactionPolicy } from "./outbox-journal.js";
import { SENT_RETENTION_MS, checkRawHash, migrateChatState, migratedOutboxKey, subKey } from "./rules.js";
import type { MetaKey, MetaSchema } from "./meta.js";
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

/**
 * Cross-file stamps: each file records what the other held when it was written, so a file that
 * went backwards (an old backup put back, emptied to `{}`, deleted) is caught on open. Each file
 * records only what is already durable in the other, so a crash between the two writes never
 * looks like a rollback.
 */
interface StateData {
  version: 1;
  /** Write generation of state.json (+1 per physical write). */
  gen?: number;
  /** reports.json as of this write: its generation and report count. */
  seen?: { reportsGen: number; reports: number };
  portals: Record<string, PortalState>;
  events: WatchEvent[];
  nextSeq: number;
  meta: Record<string, unknown>;
  chats: Record<string, Chat>;
  subscriptions: Subscription[];
  outbox: OutboxItem[];
}

interface ReportsData {
  version: 1;
  /** Write generation of reports.json. */
  gen?: number;
  /** state.json as of this write: its generation and event seq high-water mark. */
  seen?: { stateGen: number; seq: number };
  reports: Record<string, StoredReport>;
}

const emptyState = (): StateData => ({
  version: 1,
  portals: {},
  events: [],
  nextSeq: 1,
  meta: {},
  chats: {},
  subscriptions: [],
  outbox: [],
});

const clone = <T>(v: T): T => structuredClone(v);

let rawTmpCounter = 0;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Shape checks run on open: valid JSON of the wrong shape is corruption too, never "start empty". */
function checkState(d: unknown): string | null {
  if (!isObject(d)) return "not a JSON object";
  for (const k of ["events", "subscriptions", "outbox"] as const) {
    if (d[k] !== undefined && !Array.isArray(d[k])) return `"${k}" is not an array`;
  }
  for (const k of ["portals", "meta", "chats"] as const) {
    if (d[k] !== undefined && !isObject(d[k])) return `"${k}" is not an object`;
  }
  return null;
}
function checkReports(d: unknown): string | null {
  if (!isObject(d)) return "not a JSON object";
  if (d.reports !== undefined && !isObject(d.reports)) return `"reports" is not an object`;
  return null;
}

export class LowdbStore implements Store {
  private state!: Low<StateData>;
  private reports!: Low<ReportsData>;
  private outbox!: OutboxJournal;
  private eventIds = new Set<string>();
  /** `"id":{…}` of every report, kept in step with reports.data so a write only joins bytes. */
  private reportJson = new Map<string, Buffer>();
  /** Cached JSON of the large, rarely-changing parts of state.json (portal states, events). */
  private portalJson = new Map<string, Buffer>();
  private eventJson: Buffer[] = [];
  /** portalId → report ids (the watcher asks per portal on every check). */
  private byPortal = new Map<string, Set<string>>();
  /** id → head, kept in step with reports.data; `headList` is its findReports({}) order, rebuilt lazily. */
  private heads = new Map<string, ReportHead>();
  private headList: readonly ReportHead[] | null = null;
  private headIndex: HeadIndex | null = null;
  private opened = false;

  private release: (() => Promise<void>) | null = null;

  /** Generation numbers and what is durable of each file (see StateData). */
  private stateGen = 0;
  private reportsGen = 0;
  private stateInFlight = { gen: 0, seq: 0 };
  private stateDurable = { gen: 0, seq: 0 };
  private reportsInFlight = { gen: 0, count: 0 };
  private reportsDurable = { gen: 0, count: 0 };

  /**
   * `lock: true` for writers: takes DATA_DIR/.lock so a second writing process fails with a clear
   * StoreLockedError instead of silently losing updates (see lock.ts). `outboxCompaction` tunes
   * when outbox.jsonl is rewritten (tests use a tiny one to rewrite often).
   */
  constructor(
    public readonly dir: string,
    private readonly opts: { lock?: boolean; outboxCompaction?: CompactionPolicy; acceptOlder?: boolean } = {},
  ) {}

  async open(): Promise<void> {
    if (this.opened) return;
    await mkdir(this.dir, { recursive: true });
    if (this.opts.lock && !this.release) this.release = await lockDir(this.dir);
    try {
      await this.load();
    } catch (e) {
      await this.release?.();
      this.release = null;
      throw e;
    }
  }

  private async load(): Promise<void> {
    const stateFile = new DurableJSONFile<StateData>(
      join(this.dir, "state.json"),
      false,
      checkState,
      (d) => this.serializeState(d),
      () => (this.stateDurable = this.stateInFlight),
    );
    const reportsFile = new DurableJSONFile<ReportsData>(
      join(this.dir, "reports.json"),
      false,
      checkReports,
      (d) => this.serializeReports(d),
      () => (this.reportsDurable = this.reportsInFlight),
    );
    this.state = new Low(stateFile, emptyState());
    this.reports = new Low(reportsFile, { version: 1, reports: {} });
    // A reader next to the writer can read the two files across one of its writes: a mismatch is
    // read again before it counts.
    const marker = join(this.dir, ACCEPT_OLDER_FILE);
    const accept = this.opts.acceptOlder || (await stat(marker).then(() => true, () => false));
    let problem: RollbackProblem | null = null;
    for (let attempt = 0; attempt < 3; attempt++) {
      const st = await stateFile.read();
      const rp = await reportsFile.read();
      this.state.data = st ?? emptyState();
      this.reports.data = rp ?? { version: 1, reports: {} };
      problem = rollbackProblem(st, rp);
      if (!problem || accept) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    if (problem && !accept) throw new StoreRollbackError(join(this.dir, problem.file), problem.detail, marker);
    this.state.data = { ...emptyState(), ...this.state.data };
    this.reports.data = { ...{ version: 1 as const, reports: {} }, ...(this.reports.data as Partial<ReportsData>) };
    // nextSeq must stay above every stored seq even if the file was edited by hand.
    const maxSeq = this.state.data.events.reduce((m, e) => Math.max(m, e.seq), 0);
    if (this.state.data.nextSeq <= maxSeq) this.state.data.nextSeq = maxSeq + 1;
    // An accepted older state.json must not hand out seq numbers the lost events had.
    const seenSeq = this.reports.data.seen?.seq ?? 0;
    if (problem && this.state.data.nextSeq <= seenSeq) this.state.data.nextSeq = seenSeq + 1;
    this.stateGen = this.state.data.gen ?? 0;
    this.reportsGen = this.reports.data.gen ?? 0;
    this.stateDurable = { gen: this.stateGen, seq: this.state.data.nextSeq - 1 };
    this.reportsDurable = { gen: this.reportsGen, count: Object.keys(this.reports.data.reports).length };
    this.portalJson = new Map(Object.values(this.state.data.portals).map((p) => [p.portalId, jsonEntry(p.portalId, p)]));
    this.eventJson = this.state.data.events.map((e) => Buffer.from(JSON.stringify(e)));
    this.reportJson = new Map();
    this.byPortal = new Map();
    this.heads = new Map();
    this.headList = null;
    this.headIndex = null;
    for (const r of Object.values(this.reports.data.reports)) this.indexReport(r);
    this.eventIds = new Set(this.state.data.events.map((e) => e.id));
    this.outbox = new OutboxJournal(join(this.dir, "outbox.jsonl"), this.opts.outboxCompaction);
    await this.outbox.load();
    const legacy = this.state.data.outbox;
    this.state.data.outbox = [];
    if (legacy.length) {
      // Journal first, then state.json without the rows: a crash in between repeats the merge,
      // and the journal's copy of a row (newer) wins over the legacy one.
      await this.outbox.adopt(legacy);
      await this.saveState();
    }
    if (problem) {
      // Accepted on purpose: re-stamp both files (reports first, then state records it) and
      // disarm the marker, so the next open checks again.
      await this.reports.write();
      await this.saveState();
      await unlink(marker).catch(() => undefined);
    }
    this.opened = true;
  }

  /**
   * Every mutation is already durable when its promise resolves, so close writes nothing: a
   * read-only CLI run (`nianbao reports`) next to the running bot must not put back its stale
   * copy of state.json over the bot's newer one.
   */
  async close(): Promise<void> {
    if (!this.opened) return;
    this.opened = false;
    await this.outbox.close();
    await this.release?.();
    this.release = null;
  }

  private get s(): StateData {
    if (!this.opened) throw new Error("store is not open");
    return this.state.data;
  }

  private get r(): Record<string, StoredReport> {
    if (!this.opened) throw new Error("store is not open");
    return this.reports.data.reports;
  }

  private saveState(): Promise<void> {
    return this.state.write();
  }

  // ---- portals
  async getPortalState(portalId: string): Promise<PortalState | null> {
    const p = this.s.portals[portalId];
    return p ? clone(p) : null;
  }
  async putPortalState(state: PortalState): Promise<void> {
    this.s.portals[state.portalId] = clone(state);
    this.portalJson.set(state.portalId, jsonEntry(state.portalId, state));
    await this.saveState();
  }
  async listPortalStates(): Promise<PortalState[]> {
    return Object.values(this.s.portals).map(clone);
  }

  // ---- reports
  async getReport(id: string): Promise<StoredReport | null> {
    const r = this.r[id];
    return r ? clone(r) : null;
  }
  async putReport(r: StoredReport): Promise<void> {
    await this.putReports([r]);
  }
  async putReports(rs: StoredReport[]): Promise<void> {
    const all = this.r;
    const movedTo = new Set<string>();
    for (const r of rs) {
      const prev = all[r.id];
      if (prev && prev.portalId !== r.portalId) {
        this.byPortal.get(prev.portalId)?.delete(r.id);
        movedTo.add(r.portalId);
      }
      all[r.id] = clone(r);
      this.indexReport(r);
    }
    // A report that moved portal keeps its place in the reports' order (the contract: per-portal
    // results in findReports({}) order, as after a reopen), not the end of its new portal's set.
    for (const p of movedTo) this.byPortal.set(p, new Set(Object.keys(all).filter((id) => all[id]!.portalId === p)));
    await this.reports.write();
  }
  async findReports(q: ReportQuery): Promise<StoredReport[]> {
    // Match on heads (small, in memory); only the hits are copied.
    const all = this.r;
    return this.matchHeads(q).map((h) => clone(all[h.id]!));
  }
  async findReportHeads(q: ReportQuery): Promise<ReportHead[]> {
    return this.matchHeads(q);
  }

  private matchHeads(q: ReportQuery): ReportHead[] {
    if (q.portalId !== undefined) {
      const out: ReportHead[] = [];
      for (const id of this.byPortal.get(q.portalId) ?? []) {
        const h = this.heads.get(id);
        if (h && headMatches(h, q)) out.push(h);
      }
      return out;
    }
    this.headIndex ??= new HeadIndex(this.headsInOrder());
    return this.headIndex.find(q);
  }
  async countReports(): Promise<number> {
    return Object.keys(this.r).length;
  }
  async listReportHeads(): Promise<readonly ReportHead[]> {
    return this.headsInOrder();
  }
  async getReports(ids: readonly string[]): Promise<StoredReport[]> {
    const all = this.r;
    const out: StoredReport[] = [];
    for (const id of ids) {
      const r = Object.hasOwn(all, id) ? all[id] : undefined;
      if (r) out.push(clone(r));
    }
    return out;
  }

  /** Heads in the reports object's own key order (what Object.values gives findReports). */
  private headsInOrder(): readonly ReportHead[] {
    if (!this.headList) this.headList = Object.freeze(Object.keys(this.r).map((id) => this.heads.get(id)!));
    return this.headList;
  }

  private indexReport(r: StoredReport): void {
    this.reportJson.set(r.id, jsonEntry(r.id, r));
    this.heads.set(r.id, toHead(r));
    this.headList = null;
    this.headIndex = null;
    let ids = this.byPortal.get(r.portalId);
    if (!ids) this.byPortal.set(r.portalId, (ids = new Set()));
    ids.add(r.id);
  }

  /**
   * state.json with portal states and events from cache (they dominate the file once there are
   * many portals) and the small, often-mutated parts stringified; full stringify if out of step.
   */
  private serializeState(d: StateData): Uint8Array | string {
    d.gen = ++this.stateGen;
    d.seen = { reportsGen: this.reportsDurable.gen, reports: this.reportsDurable.count };
    this.stateInFlight = { gen: d.gen, seq: d.nextSeq - 1 };
    const portalIds = Object.keys(d.portals);
    if (portalIds.length !== this.portalJson.size || d.events.length !== this.eventJson.length) return JSON.stringify(d);
    const comma = Buffer.from(",");
    const parts: Buffer[] = [Buffer.from(`{"version":${JSON.stringify(d.version)},"portals":{`)];
    for (let i = 0; i < portalIds.length; i++) {
      const b = this.portalJson.get(portalIds[i]!);
      if (!b) return JSON.stringify(d);
      if (i) parts.push(comma);
      parts.push(b);
    }
    parts.push(Buffer.from(`},"events":[`));
    for (let i = 0; i < this.eventJson.length; i++) {
      if (i) parts.push(comma);
      parts.push(this.eventJson[i]!);
    }
    const { version: _v, portals: _p, events: _e, ...rest } = d;
    // The remaining keys (nextSeq, meta, chats, subscriptions, outbox and any future ones).
    const tail = JSON.stringify(rest);
    parts.push(Buffer.from(tail === "{}" ? "]}" : `],${tail.slice(1)}`));
    return Buffer.concat(parts);
  }

  /** reports.json from cached per-report JSON; falls back to a full stringify if out of step. */
  private serializeReports(d: ReportsData): Uint8Array | string {
    const ids = Object.keys(d.reports);
    d.gen = ++this.reportsGen;
    d.seen = { stateGen: this.stateDurable.gen, seq: this.stateDurable.seq };
    this.reportsInFlight = { gen: d.gen, count: ids.length };
    if (ids.length !== this.reportJson.size) return JSON.stringify(d);
    const parts: Buffer[] = [Buffer.from(`{"version":${JSON.stringify(d.version)},"gen":${d.gen},"seen":${JSON.stringify(d.seen)},"reports":{`)];
    const comma = Buffer.from(",");
    for (let i = 0; i < ids.length; i++) {
      const b = this.reportJson.get(ids[i]!);
      if (!b) return JSON.stringify(d);
      if (i) parts.push(comma);
      parts.push(b);
    }
    parts.push(Buffer.from("}}"));
    return Buffer.concat(parts);
  }

  // ---- raw
  private rawPath(hash: string): string {
    checkRawHash(hash);
    return join(this.dir, "raw", hash.slice(0, 2), hash);
  }
  async putRaw(hash: string, bytes: Uint8Array): Promise<void> {
    const p = this.rawPath(hash);
    // Content-addressed: an existing file already holds these bytes (it was renamed into place
    // only after fsync).
    if (await stat(p).then(() => true, () => false)) return;
    await mkdir(join(p, ".."), { recursive: true });
    // Unique temp name: two puts of one hash in flight must not share a temp file.
    const tmp = `${p}.${process.pid}.${++rawTmpCounter}.tmp`;
    try {
      const fh = await open(tmp, "w");
      try {
        await fh.writeFile(bytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, p);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
  }
  async getRaw(hash: string): Promise<Uint8Array | null> {
    try {
      return new Uint8Array(await readFile(this.rawPath(hash)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw e;
    }
  }

  // ---- events
  async addEvents(evs: Omit<WatchEvent, "seq">[]): Promise<WatchEvent[]> {
    const added: WatchEvent[] = [];
    for (const e of evs) {
      if (this.eventIds.has(e.id)) continue;
      const ev: WatchEvent = { ...clone(e), seq: this.s.nextSeq++ };
      this.s.events.push(ev);
      this.eventJson.push(Buffer.from(JSON.stringify(ev)));
      this.eventIds.add(ev.id);
      added.push(ev);
    }
    if (added.length) await this.saveState();
    return added.map(clone);
  }
  async eventsAfter(seq: number, limit = 1000): Promise<WatchEvent[]> {
    const out: WatchEvent[] = [];
    for (const e of this.s.events) {
      if (out.length >= limit) break;
      if (e.seq > seq) out.push(e);
    }
    return out.map(clone);
  }

  // ---- meta
  async getMeta<K extends MetaKey>(key: K): Promise<MetaSchema[K] | undefined> {
    const v = this.s.meta[key];
    return v === undefined ? undefined : (clone(v) as MetaSchema[K]);
  }
  async setMeta<K extends MetaKey>(key: K, value: MetaSchema[K]): Promise<void> {
    this.s.meta[key] = clone(value);
    await this.saveState();
  }

  // ---- chats & subscriptions
  async getChat(id: number): Promise<Chat | null> {
    const c = this.s.chats[String(id)];
    return c ? clone(c) : null;
  }
  async putChat(c: Chat): Promise<void> {
    this.s.chats[String(c.id)] = clone(c);
    await this.saveState();
  }
  async listChats(): Promise<Chat[]> {
    return Object.values(this.s.chats).map(clone);
  }
  async migrateChat(fromId: number, toId: number): Promise<void> {
    migrateChatState(this.s, fromId, toId);
    // state.json first: a crash before the outbox lines leaves rows on the old id, and sending
    // one gets the migration error again, which repeats this move.
    await this.saveState();
    const moves: Promise<void>[] = [];
    for (const o of [...this.outbox.rows]) {
      if (o.chatId !== fromId || o.status === "sent") continue;
      moves.push(this.outbox.rekey(o.key, migratedOutboxKey(o.key, fromId, toId), { chatId: toId }));
    }
    await Promise.all(moves);
  }
  async listSubscriptions(chatId?: number): Promise<Subscription[]> {
    return this.s.subscriptions.filter((x) => chatId === undefined || x.chatId === chatId).map(clone);
  }
  async addSubscription(sub: Subscription): Promise<boolean> {
    const k = subKey(sub);
    if (this.s.subscriptions.some((x) => subKey(x) === k)) return false;
    this.s.subscriptions.push(clone(sub));
    await this.saveState();
    return true;
  }
  async removeSubscription(
    chatId: number,
    kind: Subscription["kind"],
    value: string,
    threadId?: number,
  ): Promise<boolean> {
    const k = subKey({ chatId, kind, value, threadId });
    const before = this.s.subscriptions.length;
    this.s.subscriptions = this.s.subscriptions.filter((x) => subKey(x) !== k);
    if (this.s.subscriptions.length === before) return false;
    await this.saveState();
    return true;
  }

  // ---- outbox (outbox.jsonl; every method resolves once its journal line is fsync'd)
  async enqueue(items: OutboxItem[]): Promise<number> {
    if (!this.opened) throw new Error("store is not open");
    const writes: Promise<void>[] = [];
    for (const it of items) {
      if (this.outbox.index.has(it.key)) continue;
      writes.push(this.outbox.insert(clone(it)));
    }
    const n = writes.length;
    if (n) {
      const pruned = this.prune();
      if (pruned) writes.push(pruned);
      await Promise.all(writes);
    }
    return n;
  }
  async duePending(now: Date, limit: number): Promise<OutboxItem[]> {
    if (!this.opened) throw new Error("store is not open");
    const t = now.getTime();
    const out: OutboxItem[] = [];
    for (const o of this.outbox.rows) {
      if (out.length >= limit) break;
      if (o.status !== "pending") continue;
      if (o.notBefore && Date.parse(o.notBefore) > t) continue;
      out.push(clone(o));
    }
    return out;
  }
  async updateOutbox(key: string, patch: Partial<OutboxItem>): Promise<void> {
    if (!this.opened) throw new Error("store is not open");
    await this.outbox.patch(key, clone(patch) as Record<string, unknown>);
  }
  async listOutbox(filter: { status?: OutboxStatus; chatId?: number } = {}): Promise<OutboxItem[]> {
    if (!this.opened) throw new Error("store is not open");
    return this.outbox.rows
      .filter((o) => (filter.status === undefined || o.status === filter.status) && (filter.chatId === undefined || o.chatId === filter.chatId))
      .map(clone);
  }

  /** Drops sent rows past retention; returns the journal rewrite to await, if any. */
  private prune(): Promise<void> | null {
    const cutoff = Date.now() - SENT_RETENTION_MS;
    return this.outbox.remove((o) => !(o.status === "sent" && o.sentAt && Date.parse(o.sentAt) < cutoff));
  }
}

/** Created in DATA_DIR by an operator to accept an older data file once (see StoreRollbackError). */
export const ACCEPT_OLDER_FILE = "ACCEPT-OLDER-STORE";

interface RollbackProblem {
  file: "state.json" | "reports.json";
  detail: string;
}

/** Does one file hold less than the other records of it? (null: consistent, or nothing recorded) */
function rollbackProblem(st: StateData | null, rp: ReportsData | null): RollbackProblem | null {
  const want = st?.seen;
  if (want && (want.reportsGen > 0 || want.reports > 0)) {
    if (!rp) return { file: "reports.json", detail: `missing, but state.json records ${want.reports} reports at generation ${want.reportsGen}` };
    const gen = rp.gen ?? 0;
    const count = Object.keys(rp.reports ?? {}).length;
    if (gen < want.reportsGen)
      return { file: "reports.json", detail: `generation ${gen} with ${count} reports, but state.json records generation ${want.reportsGen} with ${want.reports} reports` };
    if (gen === want.reportsGen && count !== want.reports)
      return { file: "reports.json", detail: `${count} reports at generation ${gen}, but state.json records ${want.reports} at that generation` };
  }
  const seen = rp?.seen;
  if (seen && (seen.stateGen > 0 || seen.seq > 0)) {
    if (!st) return { file: "state.json", detail: `missing, but reports.json records state generation ${seen.stateGen} with events up to seq ${seen.seq}` };
    const gen = st.gen ?? 0;
    const seq = (st.events ?? []).reduce((m, e) => Math.max(m, e.seq), (st.nextSeq ?? 1) - 1);
    if (gen < seen.stateGen || seq < seen.seq)
      return { file: "state.json", detail: `generation ${gen} with events up to seq ${seq}, but reports.json records generation ${seen.stateGen} with events up to seq ${seen.seq}` };
  }
  return null;
}

/** `"key":<json>` as bytes. */
function jsonEntry(key: string, value: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(key)}:${JSON.stringify(value)}`, "utf8");
}
