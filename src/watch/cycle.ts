/**
 * One watch cycle: for each portal, list → diff against stored → fetch article → parse → store →
 * events. Orchestration only: the store, fetcher, parser, clock and logger come in as arguments.
 *
 * Crash safety (a SIGKILL can land anywhere): writes go raw bytes → journal (pending events, in
 * the store's meta) → report → events → portal state → journal cleared. Event ids are
 * deterministic (`new:<reportId>`, `updated:<reportId>:<hash>`, `baseline:<portalId>`), and the
 * store ignores known ids, so a re-run after a kill replays the journal and finds reports already
 * stored: nothing lost, nothing reported twice.
 */
import { createHash } from "node:crypto";
import type { EventLog, MetaStore, PortalEntry, PortalState, PortalStateStore, RawStore, ReportStore, StoredReport, WatchEvent } from "../store/types.js";
import { metaKey, type UnparsedNote } from "../store/meta.js";
import { newestFirst } from "../agency/series.js";
import type { Report } from "../report/schema.js";
import type { ParseInput, ParseOutcome } from "../report/parse.js";
import { decodeBytes, parseDocument } from "../report/parse.js";
import { compareFigures, keyFigures } from "../report/figures.js";
import type { Fetcher, FetchError, FetchResponse } from "./fetcher.js";
import { canonicalUrl, findAttachments, scanListPage, type ReportLink } from "./discover.js";
import { nextCheckAt, isDue, type ScheduleConfig } from "./schedule.js";

/** pino-compatible logger subset. */
export interface Log {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

/** Config keys the cycle needs (a subset of Config). */
export interface CycleConfig extends ScheduleConfig {
  PORTAL_FAILURE_ALERT: number;
}

/** Dependencies and options of runCycle. */
export interface CycleDeps {
  store: PortalStateStore & ReportStore & RawStore & EventLog & MetaStore;
  fetcher: Fetcher;
  portals: PortalEntry[];
  /** Defaults to report/parse.ts parseDocument. */
  parse?: (input: ParseInput) => Promise<ParseOutcome>;
  now: () => Date;
  log: Log;
  config: CycleConfig;
  /** Hook to add cross-year findings before a report is stored. */
  enrich?: (r: StoredReport) => Promise<StoredReport>;
  /** Restrict the cycle to these portal ids. */
  onlyPortals?: string[];
  /** Only portals whose next check is due (scheduler ticks); default: every portal. */
  dueOnly?: boolean;
  /**
   * "backfill": every list page (no cap), and reports found are stored without "new" events
   * (old years are not news). Default "normal".
   */
  mode?: "normal" | "backfill";
  /** List pages per portal: normal cycles / a portal's first (baseline) cycle. */
  maxPages?: number;
  maxPagesBaseline?: number;
  /** Portals of one host processed at once (their requests still queue at the host's gap). */
  portalsPerHost?: number;
  /** Known recent reports re-checked per cycle (conditional GET) to catch corrected reports. */
  recheckRecent?: number;
}

/** What one cycle did. */
export interface CycleSummary {
  portalsChecked: number;
  newReports: number;
  updated: number;
  /** Portals whose list page could not be fetched. */
  failed: number;
  /** Portals that completed their first (baseline) check in this cycle. */
  baseline: number;
  /** Events actually added (already-known ids are not repeated). */
  events: WatchEvent[];
  /** Pages fetched that were not a parseable 年报 (kept as notes, not events). */
  unparsed: number;
  /** Article / attachment fetches that failed (retried next cycle). */
  articleErrors: number;
}

/** A page that was fetched but could not be parsed: remembered so it does not flood (stored under meta). */
export type { UnparsedNote } from "../store/meta.js";

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** Stable report id from the canonical URL. */
export function reportIdFor(url: string): string {
  return sha256(new TextEncoder().encode(canonicalUrl(url) ?? url)).slice(0, 20);
}

const journalKey = metaKey.journal;
const notesKey = metaKey.unparsed;
/** Unparseable pages are tried again after this long (a fixed page gets picked up). */
const NOTE_RETRY_MS = 24 * 3600 * 1000;
const HARD_PAGE_CAP = 500;
/** Cycles a baseline waits for missing reports before completing without them. */
const BASELINE_TRIES = 3;

function initialState(portalId: string): PortalState {
  return {
    portalId,
    nextCheckAt: null,
    lastCheckAt: null,
    lastOkAt: null,
    failures: 0,
    lastError: null,
    baselineDone: false,
    downAlerted: false,
    http: {},
  };
}

/** The part of a report whose change is news (page chrome such as view counters is not). */
function tablesOf(r: Report): string {
  return JSON.stringify([r.year, r.layout, r.activeDisclosure, r.requests, r.reviewLitigation]);
}

const hasTables = (r: Report) => r.requests !== null || r.activeDisclosure !== null || r.reviewLitigation !== null;

async function mapLimit<T>(items: T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
  let i = 0;
  const worker = async () => {
    while (i < items.length) await fn(items[i++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/** Runs one cycle over the selected portals; never throws for a portal's failure. */
export async function runCycle(deps: CycleDeps): Promise<CycleSummary> {
  const summary: CycleSummary = {
    portalsChecked: 0,
    newReports: 0,
    updated: 0,
    failed: 0,
    baseline: 0,
    events: [],
    unparsed: 0,
    articleErrors: 0,
  };
  const now = deps.now();
  let portals = deps.portals;
  if (deps.onlyPortals) {
    const only = new Set(deps.onlyPortals);
    portals = portals.filter((p) => only.has(p.id));
  }
  if (deps.dueOnly) {
    const states = new Map((await deps.store.listPortalStates()).map((s) => [s.portalId, s]));
    portals = portals.filter((p) => isDue(states.get(p.id) ?? null, now));
  }
  // One lane per host so a slow host never holds up the others; the fetcher enforces the gap.
  const byHost = new Map<string, PortalEntry[]>();
  for (const p of portals) {
    let host = "";
    try {
      host = new URL(p.url).host;
    } catch {
      host = p.url;
    }
    byHost.set(host, [...(byHost.get(host) ?? []), p]);
  }
  await Promise.all(
    [...byHost.values()].map((list) =>
      mapLimit(list, deps.portalsPerHost ?? 16, async (p) => {
        try {
          await checkPortal(deps, p, summary);
        } catch (e) {
          // A store or programming error: logged and counted, the other portals go on.
          summary.failed++;
          deps.log.error({ portal: p.id, err: (e as Error).message }, "portal check crashed");
        }
      }),
    ),
  );
  summary.events.sort((a, b) => a.seq - b.seq);
  return summary;
}

/** What one portal check carries from step to step. */
interface Check {
  deps: CycleDeps;
  portal: PortalEntry;
  summary: CycleSummary;
  parse: (input: ParseInput) => Promise<ParseOutcome>;
  now: Date;
  nowIso: string;
  /** The portal's state before this check. */
  prev: PortalState;
  /** First check of the portal: reports found are the baseline, not news. */
  baseline: boolean;
  backfill: boolean;
  /** Validators by URL, saved with the portal state at the end. */
  http: PortalState["http"];
  /** Pages that were not a parseable 年报 (see UnparsedNote). */
  notes: Record<string, UnparsedNote>;
  notesChanged: boolean;
  /** Fetches for unknown reports that may succeed on a retry (5xx, 429, timeout, network). */
  transient: number;
}

/** A page to fetch: an unseen link, or a known report re-checked for corrections. */
interface TodoItem {
  url: string;
  title: string;
  known: StoredReport | null;
}

/** A fetched article (or its attachment) that parsed, ready to store. */
interface Parsed {
  ok: true;
  outcome: ParseOutcome & { ok: true };
  raw: Uint8Array;
  rawHash: string;
  pageHash: string;
  attachmentUrl?: string;
}

/**
 * One portal: replay the journal, walk the list pages, fetch what is new (plus a few recent
 * reports), parse, store with events, then close the check (baseline, recovery, state).
 */
async function checkPortal(deps: CycleDeps, portal: PortalEntry, summary: CycleSummary): Promise<void> {
  const c = await beginCheck(deps, portal, summary);
  await replayJournal(c);
  const listing = await walkListPages(c);
  if (listing.error !== null) {
    await recordFailure(deps, portal, c.prev, c.now, listing.error, summary);
    return;
  }
  c.notes = (await deps.store.getMeta(notesKey(portal.id))) ?? {};
  for (const item of await planFetches(c, listing.links)) await checkArticle(c, item);
  if (c.notesChanged) await deps.store.setMeta(notesKey(portal.id), c.notes);
  if (c.transient) {
    // A new report could not be fetched: forget the list pages' validators so the next cycle
    // lists again and retries it (a 304 would hide it for good).
    for (const pg of listing.visited) delete c.http[pg];
  }
  await closeCheck(c, listing.links.length);
}

async function beginCheck(deps: CycleDeps, portal: PortalEntry, summary: CycleSummary): Promise<Check> {
  const now = deps.now();
  const prev = (await deps.store.getPortalState(portal.id)) ?? initialState(portal.id);
  summary.portalsChecked++;
  return {
    deps,
    portal,
    summary,
    parse: deps.parse ?? parseDocument,
    now,
    nowIso: now.toISOString(),
    prev,
    baseline: !prev.baselineDone,
    backfill: deps.mode === "backfill",
    http: { ...prev.http },
    notes: {},
    notesChanged: false,
    transient: 0,
  };
}

/** Keeps a response's validators for the next conditional GET. */
function remember(c: Check, url: string, v: FetchResponse): void {
  if (v.etag || v.lastModified) c.http[url] = { ...(v.etag ? { etag: v.etag } : {}), ...(v.lastModified ? { lastModified: v.lastModified } : {}) };
}

/** Replays events a killed run journaled but may not have added. */
async function replayJournal(c: Check): Promise<void> {
  const { store } = c.deps;
  const journal = (await store.getMeta(journalKey(c.portal.id))) ?? [];
  if (!journal.length) return;
  const replay: Omit<WatchEvent, "seq">[] = [];
  for (const ev of journal) {
    const present = await Promise.all(ev.reportIds.map((id) => store.getReport(id)));
    if (present.every((r) => r !== null)) replay.push(ev);
  }
  c.summary.events.push(...(await store.addEvents(replay)));
  await store.setMeta(journalKey(c.portal.id), []);
}

/** Follows the column's pages up to the cap; `error` is set when the first page failed. */
async function walkListPages(c: Check): Promise<{ links: ReportLink[]; visited: Set<string>; error: string | null }> {
  const { deps, portal } = c;
  const cap = c.backfill ? HARD_PAGE_CAP : Math.min(HARD_PAGE_CAP, c.baseline ? (deps.maxPagesBaseline ?? 5) : (deps.maxPages ?? 2));
  const links: ReportLink[] = [];
  const seenLinks = new Set<string>();
  const visited = new Set<string>();
  let page: string | null = canonicalUrl(portal.url) ?? portal.url;
  let error: string | null = null;
  while (page && visited.size < cap && !visited.has(page)) {
    visited.add(page);
    // Backfill walks everything: validators would hide pages that did not change.
    const cond = c.backfill ? {} : (c.http[page] ?? {});
    const r = await deps.fetcher.fetch({ url: page, ...cond });
    if (!r.ok) {
      if (visited.size === 1) error = r.error.message;
      else deps.log.warn({ portal: portal.id, page, err: r.error.message }, "list page failed");
      break;
    }
    remember(c, page, r.value);
    // Unchanged first page: new reports appear there first, so later pages are unchanged too.
    if (r.value.notModified) break;
    const html = decodeBytes(r.value.bytes, r.value.contentType);
    const scanned = scanListPage(html, r.value.finalUrl, portal.selectors);
    for (const l of scanned.links) {
      if (seenLinks.has(l.url)) continue;
      seenLinks.add(l.url);
      links.push(l);
    }
    page = scanned.next;
  }
  return { links, visited, error };
}

/** Unseen links (minus recently unparseable ones), plus a few recent known reports: corrections happen. */
async function planFetches(c: Check, links: ReportLink[]): Promise<TodoItem[]> {
  const { store } = c.deps;
  const todo: TodoItem[] = [];
  const queued = new Set<string>();
  for (const l of links) {
    const known = await store.getReport(reportIdFor(l.url));
    if (known) continue;
    const note = c.notes[l.url];
    if (note && c.now.getTime() - Date.parse(note.at) < NOTE_RETRY_MS) continue;
    todo.push({ url: l.url, title: l.title, known: null });
    queued.add(l.url);
  }
  if (!c.baseline && !c.backfill) {
    const year = c.now.getUTCFullYear();
    const recent = (await store.findReports({ portalId: c.portal.id }))
      .filter((r) => r.report.year === null || r.report.year >= year - 2)
      // Unknown years first (they may be this year's), then newest first.
      .sort((a, b) => Number(b.report.year === null) - Number(a.report.year === null) || newestFirst(a, b))
      .slice(0, c.deps.recheckRecent ?? 3);
    for (const r of recent) if (!queued.has(r.url)) todo.push({ url: r.url, title: r.report.title ?? "", known: r });
  }
  return todo;
}

const isTransient = (e: { kind: string; status?: number }) => e.kind !== "http" || (e.status ?? 0) >= 500 || e.status === 429;

/** Counts and logs a failed article or attachment fetch. */
function fetchFailed(c: Check, item: TodoItem, url: string, error: FetchError, what: "article" | "attachment"): void {
  c.summary.articleErrors++;
  if (!item.known && isTransient(error)) c.transient++;
  c.deps.log.warn({ portal: c.portal.id, url, err: error.message }, `${what} fetch failed`);
}

/** One article: fetch, parse (or its attachment), then store it with its event. */
async function checkArticle(c: Check, item: TodoItem): Promise<void> {
  const page = await fetchArticle(c, item);
  if (!page) return;
  const parsed = await parseArticle(c, item, page);
  if (parsed === "unchanged") return;
  if (!parsed.ok) {
    c.summary.unparsed++;
    c.notes[item.url] = { hash: parsed.pageHash, code: parsed.error.code, message: parsed.error.message, at: c.nowIso };
    c.notesChanged = true;
    c.deps.log.info({ portal: c.portal.id, url: item.url, code: parsed.error.code }, "page is not a parseable report");
    return;
  }
  if (c.notes[item.url]) {
    delete c.notes[item.url];
    c.notesChanged = true;
  }
  await saveReport(c, item, parsed);
}

/** The article page, or null when there is nothing to do (failed, 304, same bytes as stored). */
async function fetchArticle(c: Check, item: TodoItem): Promise<(FetchResponse & { pageHash: string }) | null> {
  const r = await c.deps.fetcher.fetch({ url: item.url, ...(c.http[item.url] ?? {}) });
  if (!r.ok) {
    fetchFailed(c, item, item.url, r.error, "article");
    if (r.error.kind === "http" && r.error.status !== undefined && r.error.status < 500 && !item.known) {
      c.notes[item.url] = { hash: null, code: `http-${r.error.status}`, message: r.error.message, at: c.nowIso };
      c.notesChanged = true;
    }
    return null;
  }
  remember(c, item.url, r.value);
  if (r.value.notModified) return null;
  const pageHash = sha256(r.value.bytes);
  if (item.known && (item.known.contentHash === pageHash || item.known.pageHash === pageHash)) return null;
  return { ...r.value, pageHash };
}

/**
 * Parses the page; an HTML page without tables is tried through its first attachments (PDF,
 * DOCX). "unchanged": the known report's attachment did not change.
 */
async function parseArticle(
  c: Check,
  item: TodoItem,
  page: FetchResponse & { pageHash: string },
): Promise<Parsed | (ParseOutcome & { ok: false; pageHash: string }) | "unchanged"> {
  const { pageHash } = page;
  const outcome = await c.parse({ source: item.url, bytes: page.bytes, contentType: page.contentType, publishedAt: null });
  const pageHasNoTables = outcome.ok ? !hasTables(outcome.report) : true;
  if (pageHasNoTables && (!outcome.ok || outcome.kind === "html")) {
    const att = await parseAttachments(c, item, page);
    if (att === "unchanged") return att;
    if (att) return { ...att, pageHash };
  }
  if (!outcome.ok) return { ...outcome, pageHash };
  return { ok: true, outcome, raw: page.bytes, rawHash: pageHash, pageHash };
}

/** The first of the page's attachments (up to 3) that parses with tables. */
async function parseAttachments(c: Check, item: TodoItem, page: FetchResponse): Promise<Omit<Parsed, "pageHash"> | "unchanged" | null> {
  const html = decodeBytes(page.bytes, page.contentType);
  for (const att of findAttachments(html, page.finalUrl).slice(0, 3)) {
    // The page often changes (view counters) while its PDF does not: ask conditionally.
    const known = item.known?.attachmentUrl === att.url;
    const a = await c.deps.fetcher.fetch({ url: att.url, ...(known ? (c.http[att.url] ?? {}) : {}) });
    if (!a.ok) {
      fetchFailed(c, item, att.url, a.error, "attachment");
      continue;
    }
    remember(c, att.url, a.value);
    if (a.value.notModified || (known && sha256(a.value.bytes) === item.known?.contentHash)) return "unchanged";
    const ao = await c.parse({ source: att.url, bytes: a.value.bytes, contentType: a.value.contentType, publishedAt: null });
    if (ao.ok && hasTables(ao.report)) return { ok: true, outcome: ao, raw: a.value.bytes, rawHash: sha256(a.value.bytes), attachmentUrl: att.url };
  }
  return null;
}

/** Stores a parsed report, with a "new" or "updated" event when it is news (journal first). */
async function saveReport(c: Check, item: TodoItem, parsed: Parsed): Promise<void> {
  const { store } = c.deps;
  const stored = await storedReport(c, item, parsed);
  const { raw, rawHash } = parsed;
  if (item.known && tablesOf(item.known.report) === tablesOf(stored.report)) {
    // Same figures, different bytes (page chrome, re-upload): keep the newest copy quietly.
    await store.putRaw(rawHash, raw);
    await store.putReport(stored);
    return;
  }
  const ev = changeEvent(c, item, stored, parsed);
  await store.putRaw(rawHash, raw);
  if (ev) {
    const pending = (await store.getMeta(journalKey(c.portal.id))) ?? [];
    await store.setMeta(journalKey(c.portal.id), [...pending, ev]);
  }
  await store.putReport(stored);
  if (ev) {
    const added = await store.addEvents([ev]);
    c.summary.events.push(...added);
    if (ev.kind === "new") c.summary.newReports++;
    else c.summary.updated++;
  } else if (!item.known && c.backfill) {
    c.summary.newReports++;
  }
}

/** The record to store: the article is the report's address even when an attachment was parsed. */
async function storedReport(c: Check, item: TodoItem, parsed: Parsed): Promise<StoredReport> {
  const { outcome, rawHash, pageHash, attachmentUrl } = parsed;
  const report: Report = { ...outcome.report, source: item.url, title: outcome.report.title ?? (item.title || null) };
  const stored: StoredReport = {
    id: reportIdFor(item.url),
    url: item.url,
    portalId: c.portal.id,
    contentHash: rawHash,
    rawType: outcome.kind,
    fetchedAt: c.nowIso,
    publishedAt: report.publishedAt ?? null,
    report,
    text: outcome.text,
    ...(attachmentUrl ? { attachmentUrl, pageHash } : {}),
  };
  return c.deps.enrich ? c.deps.enrich(stored) : stored;
}

/** "updated" for a known report whose tables changed, "new" after the baseline, else none. */
function changeEvent(c: Check, item: TodoItem, stored: StoredReport, parsed: Parsed): Omit<WatchEvent, "seq"> | null {
  const { id, report } = stored;
  const { rawHash, attachmentUrl } = parsed;
  if (item.known) {
    // Values, never sentences: the notifier renders them in each chat's language.
    const figureChanges = compareFigures(keyFigures(item.known.report), keyFigures(report)).filter((x) => x.prev !== x.cur);
    return {
      id: `updated:${id}:${rawHash.slice(0, 16)}`,
      kind: "updated",
      at: c.nowIso,
      portalId: c.portal.id,
      reportIds: [id],
      figureChanges,
      detail: { url: item.url, title: report.title, year: report.year, previousHash: item.known.contentHash },
    };
  }
  if (c.baseline || c.backfill) return null;
  return {
    id: `new:${id}`,
    kind: "new",
    at: c.nowIso,
    portalId: c.portal.id,
    reportIds: [id],
    detail: { url: item.url, title: report.title, year: report.year, ...(attachmentUrl ? { attachmentUrl } : {}) },
  };
}

/**
 * Closes a check that listed the column: the baseline event (once its reports could be
 * fetched), "no report links", recovery, the new portal state, the journal cleared.
 */
async function closeCheck(c: Check, linkCount: number): Promise<void> {
  const { store } = c.deps;
  const { portal, prev, baseline, nowIso } = c;
  const baselineComplete = await baselineCompletes(c);
  const evs: Omit<WatchEvent, "seq">[] = [];
  if (baseline && baselineComplete && linkCount === 0) {
    // Nothing recognisable on the column: likely a wrong URL or a script-rendered list.
    evs.push({
      id: `noReport:${portal.id}`,
      kind: "noReport",
      at: nowIso,
      portalId: portal.id,
      reportIds: [],
      detail: { name: portal.name, url: portal.url, reason: "栏目页未找到年报链接（网址有误，或列表由脚本生成，可配置 selectors）" },
    });
  }
  if (baseline && baselineComplete) evs.push(await baselineEvent(c));
  if (prev.downAlerted) {
    evs.push({
      id: `portalRecovered:${portal.id}:${prev.lastOkAt ?? "never"}`,
      kind: "portalRecovered",
      at: nowIso,
      portalId: portal.id,
      reportIds: [],
      detail: { name: portal.name, failures: prev.failures },
    });
  }
  if (evs.length) c.summary.events.push(...(await store.addEvents(evs)));
  await store.putPortalState({
    ...prev,
    http: c.http,
    nextCheckAt: nextCheckAt(c.now, c.deps.config, portal.id, 0).toISOString(),
    lastCheckAt: nowIso,
    lastOkAt: nowIso,
    failures: 0,
    lastError: null,
    baselineDone: !baseline || baselineComplete,
    downAlerted: false,
  });
  if (baseline && baselineComplete) c.summary.baseline++;
  if ((await store.getMeta(journalKey(portal.id)))?.length) await store.setMeta(journalKey(portal.id), []);
}

/**
 * A baseline with reports missing (transient errors) is finished by a later cycle, else those
 * reports would turn up as "new"; after a few tries it completes with what it has.
 */
async function baselineCompletes(c: Check): Promise<boolean> {
  if (!c.baseline || !c.transient) return true;
  const triesKey = metaKey.baselineTries(c.portal.id);
  const tries = ((await c.deps.store.getMeta(triesKey)) ?? 0) + 1;
  const complete = tries >= BASELINE_TRIES;
  if (!complete) await c.deps.store.setMeta(triesKey, tries);
  return complete;
}

/** One summary of what the portal already had when first checked. */
async function baselineEvent(c: Check): Promise<Omit<WatchEvent, "seq">> {
  const all = await c.deps.store.findReports({ portalId: c.portal.id });
  const years = [...new Set(all.map((r) => r.report.year).filter((y): y is number => y !== null))].sort();
  return {
    id: `baseline:${c.portal.id}`,
    kind: "baseline",
    at: c.nowIso,
    portalId: c.portal.id,
    reportIds: all.map((r) => r.id).sort(),
    detail: { count: all.length, years, name: c.portal.name },
  };
}

async function recordFailure(
  deps: CycleDeps,
  portal: PortalEntry,
  prev: PortalState,
  now: Date,
  error: string,
  summary: CycleSummary,
): Promise<void> {
  summary.failed++;
  const failures = prev.failures + 1;
  deps.log.warn({ portal: portal.id, failures, err: error }, "portal check failed");
  let downAlerted = prev.downAlerted;
  if (failures >= deps.config.PORTAL_FAILURE_ALERT && !prev.downAlerted) {
    // One alert per outage: the id names the last success, so a re-run cannot add a second one.
    summary.events.push(
      ...(await deps.store.addEvents([
        {
          id: `portalDown:${portal.id}:${prev.lastOkAt ?? "never"}`,
          kind: "portalDown",
          at: now.toISOString(),
          portalId: portal.id,
          reportIds: [],
          detail: { name: portal.name, url: portal.url, failures, error, lastOkAt: prev.lastOkAt },
        },
      ])),
    );
    downAlerted = true;
  }
  await deps.store.putPortalState({
    ...prev,
    failures,
    lastError: error,
    lastCheckAt: now.toISOString(),
    nextCheckAt: nextCheckAt(now, deps.config, portal.id, failures).toISOString(),
    downAlerted,
  });
}
