/**
 * Fan-out: store events → outbox rows, one per (chat, topic, event, part), and digests.
 *
 * Exactly-once bookkeeping: rows are keyed `${chatId}:${threadId ?? 0}:${eventId}:${part}` and
 * enqueued BEFORE the cursor (store meta "notifier.cursor") advances. A crash between the two
 * re-reads the same events and builds the same keys, which `store.enqueue` ignores.
 *
 * Product decisions (documented here because they are choices):
 * - A chat with several matching subscriptions gets ONE copy per topic: subscriptions made in
 *   different forum topics each get theirs (that is where people asked); same topic → one copy.
 * - Digests are IN ADDITION to instant alerts: a digest is the period's overview grouped by region
 *   with finding counts, not a replacement (a chat that wants only digests unsubscribes and keeps
 *   `/subscribe` for the digest scope — kept simple on purpose). Digest rows use the event-free key
 *   `${chatId}:${threadId ?? 0}:digest:${slot}:${part}`, so a crashed digest run is idempotent too.
 * - Quiet hours ("hold") set notBefore to the end of the window; "silent" sends with
 *   disable_notification. Decided at send time (settings and the clock move); a "hold" is also
 *   written at enqueue so /status shows when the row will go.
 * - Baseline (first poll of a portal): one summary per chat of the reports that match its
 *   subscriptions, never one alert per historical report. portalDown/portalRecovered go to
 *   ADMIN_CHAT_IDS only. "noReport" events are not sent to anyone.
 */
import { defaultChat } from "./chats.js";
import type { Logger } from "pino";
import type { Chat, ChatStore, EventLog, MetaStore, OutboxItem, OutboxStore, PortalEntry, ReportStore, StoredReport, Subscription, WatchEvent } from "../store/types.js";
import { formatBaseline, formatDigest, formatNewReport, formatPortalAlert, formatUpdatedReport, type DigestEntry, type Locale, type OverdueAgency } from "../render/alerts.js";
import { matchesSubscription } from "./match.js";
import { previousYear } from "../agency/analyze.js";
import { createIdentity, type Identity } from "../agency/identity.js";
import { loadAnnounced, recordSuppressed, repeatReason, type AnnouncedIndex } from "./announced.js";
import { digestPeriodMs, lastDigestSlot, quietDecision } from "./time.js";

/** Store meta key holding the seq of the last event fanned out. */
export const CURSOR_KEY = "notifier.cursor";

export interface FanoutDeps {
  store: ReportStore & EventLog & MetaStore & ChatStore & OutboxStore;
  portals: () => PortalEntry[];
  adminChatIds: readonly number[];
  /** IANA zone for quiet hours and digests (config TZ). */
  tz: string;
  now: () => Date;
  log: Logger;
  /** The agency identity (portals + overrides), as the watcher and the bot use it. */
  identity?: () => Identity;
  /** Agencies whose report for last year is overdue, for the digests (main.ts: missingReports). */
  overdue?: (now: Date) => Promise<readonly OverdueAgency[]>;
}

/** Idempotency key of one outbox row. */
export function outboxKey(chatId: number, threadId: number | undefined, eventId: string, part: number): string {
  return `${chatId}:${threadId ?? 0}:${eventId}:${part}`;
}


/** Builds the outbox rows of one message (its parts) for one chat/topic. */
export function rowsFor(
  chat: Pick<Chat, "id" | "quiet">,
  threadId: number | undefined,
  eventId: string,
  parts: readonly string[],
  now: Date,
  tz: string,
): OutboxItem[] {
  const q = quietDecision(chat, now, tz);
  return parts.map((text, part) => ({
    key: outboxKey(chat.id, threadId, eventId, part),
    chatId: chat.id,
    ...(threadId !== undefined ? { threadId } : {}),
    eventId,
    text,
    status: "pending" as const,
    attempts: 0,
    notBefore: q && "holdUntil" in q ? q.holdUntil.toISOString() : null,
    createdAt: now.toISOString(),
    sentAt: null,
    messageId: null,
    lastError: null,
  }));
}

/** Distinct topics (undefined = the main chat) among `subs`, in order. */
function threadsOf(subs: readonly Subscription[]): (number | undefined)[] {
  const out: (number | undefined)[] = [];
  for (const s of subs) if (!out.includes(s.threadId)) out.push(s.threadId);
  return out;
}

interface Audience {
  chats: Map<number, Chat>;
  subsByChat: Map<number, Subscription[]>;
}

async function loadAudience(store: ChatStore, now: Date): Promise<Audience> {
  const chats = new Map((await store.listChats()).map((c) => [c.id, c]));
  const subsByChat = new Map<number, Subscription[]>();
  for (const s of await store.listSubscriptions()) {
    const l = subsByChat.get(s.chatId) ?? [];
    l.push(s);
    subsByChat.set(s.chatId, l);
    if (!chats.has(s.chatId)) chats.set(s.chatId, defaultChat(s.chatId, now));
  }
  return { chats, subsByChat };
}

/**
 * Fans out every event after the cursor into outbox rows. Returns how many rows were added.
 * Processes `batch` events at a time: enqueue, then advance the cursor.
 */
export async function fanOut(deps: FanoutDeps, batch = 200): Promise<number> {
  const { store, tz, log } = deps;
  let cursor = (await store.getMeta(CURSOR_KEY)) ?? 0;
  let added = 0;
  for (;;) {
    const events = await store.eventsAfter(cursor, batch);
    if (!events.length) break;
    const now = deps.now();
    const audience = await loadAudience(store, now);
    const portals = new Map(deps.portals().map((p) => [p.id, p]));
    const rows: OutboxItem[] = [];
    // A report already announced is never announced as new again (announced.ts): read the
    // record only when the batch has "new" events (they are rare; the log can be long).
    const announced = events.some((e) => e.kind === "new") ? await loadAnnounced(store) : null;
    const suppressed: { eventId: string; reason: string }[] = [];
    for (const ev of events) {
      const repeat = announced ? repeatReason(ev, announced) : null;
      if (repeat) {
        suppressed.push({ eventId: ev.id, reason: repeat });
        log.warn({ eventId: ev.id, reason: repeat }, "notifier: report already announced; not sent as new again");
        continue;
      }
      try {
        rows.push(...(await rowsForEvent(deps, ev, audience, portals.get(ev.portalId), now, tz)));
      } catch (e) {
        // A broken event (e.g. a report missing from the store) must not block the others.
        log.error({ err: e, eventId: ev.id }, "notifier: could not build alerts for event");
      }
    }
    added += await store.enqueue(rows);
    await recordSuppressed(store, suppressed, now);
    cursor = events[events.length - 1]!.seq;
    await store.setMeta(CURSOR_KEY, cursor);
  }
  return added;
}

async function rowsForEvent(
  deps: FanoutDeps,
  ev: WatchEvent,
  audience: Audience,
  portal: PortalEntry | undefined,
  now: Date,
  tz: string,
): Promise<OutboxItem[]> {
  const { store } = deps;
  const rows: OutboxItem[] = [];
  if (ev.kind === "portalDown" || ev.kind === "portalRecovered") {
    for (const id of deps.adminChatIds) {
      const chat = audience.chats.get(id) ?? defaultChat(id, now);
      if (!chat.active) continue;
      rows.push(...rowsFor(chat, undefined, ev.id, formatPortalAlert(ev, portal, chat.lang), now, tz));
    }
    return rows;
  }
  if (ev.kind !== "new" && ev.kind !== "updated" && ev.kind !== "baseline") return rows;

  const reports: StoredReport[] = [];
  for (const id of ev.reportIds) {
    const r = await store.getReport(id);
    if (r) reports.push(r);
    else deps.log.warn({ eventId: ev.id, reportId: id }, "notifier: report of event not in store");
  }
  if (!reports.length) return rows;

  // Formatting is per locale, shared by every chat of that locale.
  const cache = new Map<Locale, string[]>();
  let prev: StoredReport | null | undefined;
  const textFor = async (lang: Locale): Promise<string[]> => {
    let parts = cache.get(lang);
    if (!parts) {
      const r = reports[0]!;
      if (ev.kind === "new") {
        // The same previous report /compare shows (agency/analyze.previousYear).
        if (prev === undefined) prev = await previousYear(store, r, deps.identity?.() ?? createIdentity({ portals: deps.portals() }));
        parts = formatNewReport({ report: r, ...(portal ? { portal } : {}), prev }, lang);
      } else {
        parts = formatUpdatedReport({ report: r, ...(portal ? { portal } : {}), ...(ev.figureChanges ? { figureChanges: ev.figureChanges } : {}), ...(ev.changes ? { changes: ev.changes } : {}) }, lang);
      }
      cache.set(lang, parts);
    }
    return parts;
  };

  for (const [chatId, subs] of audience.subsByChat) {
    const chat = audience.chats.get(chatId);
    if (!chat || !chat.active) continue;
    if (ev.kind === "baseline") {
      for (const thread of threadsOf(subs)) {
        const mine = subs.filter((s) => s.threadId === thread);
        const matching = reports.filter((r) => mine.some((s) => matchesSubscription(s, r, portal)));
        if (!matching.length) continue;
        rows.push(...rowsFor(chat, thread, ev.id, formatBaseline(portal, matching, chat.lang), now, tz));
      }
      continue;
    }
    const r = reports[0]!;
    const matching = subs.filter((s) => matchesSubscription(s, r, portal));
    if (!matching.length) continue;
    const parts = await textFor(chat.lang);
    for (const thread of threadsOf(matching)) rows.push(...rowsFor(chat, thread, ev.id, parts, now, tz));
  }
  return rows;
}

/**
 * Enqueues the digests that are due at `now` (daily at the chat's HH:MM, weekly on Mondays) and
 * records lastDigestAt. A chat with nothing new in the period gets no message (but its slot is
 * recorded). Returns how many digests were enqueued.
 */
export async function enqueueDigests(deps: FanoutDeps, now: Date = deps.now()): Promise<number> {
  const { store, tz } = deps;
  const audience = await loadAudience(store, now);
  const portals = new Map(deps.portals().map((p) => [p.id, p]));
  let events: WatchEvent[] | null = null;
  let announced: AnnouncedIndex | null = null;
  let overdue: readonly OverdueAgency[] | null = null;
  const reportCache = new Map<string, StoredReport | null>();
  let count = 0;
  for (const [chatId, chat] of audience.chats) {
    if (!chat.active || chat.digest.mode === "off") continue;
    const slot = lastDigestSlot(chat.digest.mode, chat.digest.time, now, tz);
    if (!slot) continue;
    if (chat.lastDigestAt && Date.parse(chat.lastDigestAt) >= slot.getTime()) continue;
    const subs = audience.subsByChat.get(chatId) ?? [];
    const from = chat.lastDigestAt ? new Date(chat.lastDigestAt) : new Date(slot.getTime() - digestPeriodMs(chat.digest.mode));
    events ??= await store.eventsAfter(0, Number.MAX_SAFE_INTEGER);
    announced ??= await loadAnnounced(store);
    const entries: DigestEntry[] = [];
    const seen = new Set<string>();
    for (const ev of events) {
      if (ev.kind !== "new" && ev.kind !== "updated") continue;
      // An old report re-found after damage is not news in a digest either.
      if (repeatReason(ev, announced)) continue;
      const at = Date.parse(ev.at);
      if (!(at > from.getTime() && at <= slot.getTime())) continue;
      for (const id of ev.reportIds) {
        if (seen.has(id)) continue;
        if (!reportCache.has(id)) reportCache.set(id, await store.getReport(id));
        const r = reportCache.get(id);
        if (!r) continue;
        const portal = portals.get(r.portalId);
        if (!subs.some((s) => matchesSubscription(s, r, portal))) continue;
        seen.add(id);
        entries.push({ report: r, ...(portal ? { portal } : {}), kind: ev.kind });
      }
    }
    if (overdue === null) {
      try {
        overdue = deps.overdue ? await deps.overdue(now) : [];
      } catch (e) {
        deps.log.warn({ err: (e as Error).message }, "overdue-report check failed; digests go without it");
        overdue = [];
      }
    }
    const late = overdue.filter((o) => subs.some((s) => matchesSubscription(s, { report: { agency: o.name, title: o.name } }, portals.get(o.portalId))));
    if (entries.length || late.length) {
      const parts = formatDigest(entries, { from, to: slot, mode: chat.digest.mode }, tz, chat.lang, undefined, late);
      const thread = subs[0]?.threadId;
      await store.enqueue(rowsFor(chat, thread, `digest:${slot.toISOString()}`, parts, now, tz));
      count++;
    }
    // Record the slot after enqueueing: a crash in between re-enqueues the same keys (ignored).
    const fresh = (await store.getChat(chatId)) ?? chat;
    await store.putChat({ ...fresh, lastDigestAt: slot.toISOString() });
  }
  return count;
}
