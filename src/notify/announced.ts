/**
 * "Was this report already announced?" — the guard that keeps a damaged or restored store from
 * flooding subscribers with old reports as "🆕 新年报" (issue 9).
 *
 * Why it is needed: the watcher calls a report "new" when reports.json does not hold it. That
 * file is a cache of parsed reports, not the record of what was announced: when it is emptied or
 * replaced by an older copy, every report still on the column looks new again. Reports seen on a
 * portal's first check are announced only inside the `baseline:<portal>` summary, so their
 * `new:<id>` event ids had never been used and the store's id-idempotency let them all through
 * (36 alerts for 2019–2024 reports to six chats).
 *
 * The record of what was announced is the event log (state.json) and the outbox (outbox.jsonl),
 * two other files. A "new" event is a repeat when either says the report was announced before:
 * - an EARLIER event (lower seq) of kind new / baseline / updated names the report (its id is
 *   derived from the URL, so the URL is matched too);
 * - the outbox holds rows of this very event id created BEFORE the event itself: the event log
 *   was restored from an older copy and the watcher re-created an event that was sent long ago.
 *   (A crash between enqueue and cursor leaves rows created AFTER the event: that is a re-run,
 *   not a repeat, and per-row keys make it idempotent.)
 * Pure: the index is built from lists the caller read from the store.
 */
import type { SuppressedRecord } from "../store/meta.js";
import type { EventLog, MetaStore, OutboxItem, OutboxStore, WatchEvent } from "../store/types.js";

/** Store meta key: how many repeated "new" events were suppressed, and the latest ones. */
export const SUPPRESSED_KEY = "notifier.repeatsSuppressed" as const;

export type { SuppressedRecord } from "../store/meta.js";

/** The index of what was announced, by report id and by event id. */
export interface AnnouncedIndex {
  /** Report id → seq of the first event of kind new / baseline / updated naming it. */
  firstSeq: Map<string, { seq: number; eventId: string }>;
  /** Event id → earliest createdAt (ISO) of an outbox row made for it. */
  firstRow: Map<string, string>;
}

const ANNOUNCING = new Set<WatchEvent["kind"]>(["new", "baseline", "updated"]);

/** Builds the index from the whole event log and the outbox (pure). */
export function buildAnnounced(events: readonly WatchEvent[], rows: readonly Pick<OutboxItem, "eventId" | "createdAt">[]): AnnouncedIndex {
  const firstSeq = new Map<string, { seq: number; eventId: string }>();
  for (const ev of events) {
    if (!ANNOUNCING.has(ev.kind)) continue;
    for (const id of ev.reportIds) {
      const prev = firstSeq.get(id);
      if (!prev || ev.seq < prev.seq) firstSeq.set(id, { seq: ev.seq, eventId: ev.id });
    }
  }
  const firstRow = new Map<string, string>();
  for (const r of rows) {
    if (!r.eventId.startsWith("new:")) continue;
    const prev = firstRow.get(r.eventId);
    if (!prev || Date.parse(r.createdAt) < Date.parse(prev)) firstRow.set(r.eventId, r.createdAt);
  }
  return { firstSeq, firstRow };
}

/**
 * Why `ev` must not be announced as new (it was already), or null when it may be (pure).
 * Only "new" events are checked: "updated" ids carry the content hash and baseline ids the
 * portal, so the store's id-idempotency already covers them.
 */
export function repeatReason(ev: WatchEvent, idx: AnnouncedIndex): string | null {
  if (ev.kind !== "new") return null;
  for (const id of ev.reportIds) {
    const first = idx.firstSeq.get(id);
    if (first && first.seq < ev.seq) return `report ${id} already announced by event ${first.eventId}`;
  }
  const row = idx.firstRow.get(ev.id);
  if (row && Date.parse(row) < Date.parse(ev.at)) return `event ${ev.id} was already sent at ${row} (event log restored from an older copy)`;
  return null;
}

/** Reads the event log and the outbox and builds the index. */
export async function loadAnnounced(store: EventLog & OutboxStore): Promise<AnnouncedIndex> {
  const [events, rows] = await Promise.all([store.eventsAfter(0, Number.MAX_SAFE_INTEGER), store.listOutbox()]);
  return buildAnnounced(events, rows);
}

/** Records suppressed repeats in store meta (counted, so admins can see them). */
export async function recordSuppressed(store: MetaStore, items: readonly { eventId: string; reason: string }[], now: Date): Promise<void> {
  if (!items.length) return;
  const prev = (await store.getMeta(SUPPRESSED_KEY)) ?? { count: 0, last: [] };
  const last = [...prev.last, ...items.map((i) => ({ ...i, at: now.toISOString() }))].slice(-20);
  await store.setMeta(SUPPRESSED_KEY, { count: prev.count + items.length, last } satisfies SuppressedRecord);
}
