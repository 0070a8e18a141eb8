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
import { metaKey } from "../store/meta.js";
import type { Report } from "../report/schema.js";
import type { ParseInput, ParseOutcome } from "../report/parse.js";
import { decodeBytes, parseDocument } from "../report/parse.js";
import { newestFirst } from "../agency/series.js";
import { compareFigures, keyFigures } from "../report/figures.js";
import type { Fetcher, FetchResponse } from "./fetcher.js";
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

async function checkPortal(deps: CycleDeps, portal: PortalEntry, summary: CycleSummary): Promise<void> {
  const { store, fetcher, log } = deps;
  const parse = deps.parse ?? parseDocument;
  const now = deps.now();
  const nowIso = now.toISOString();
  const prev = (await store.getPortalState(portal.id)) ?? initialState(portal.id);
  const baseline = !prev.baselineDone;
  const backfill = deps.mode === "backfill";
  summary.portalsChecked++;

  // Replay events a killed run journaled but may not have added.
  const journal = (await store.getMeta(journalKey(portal.id))) ?? [];
  if (journal.length) {
    const replay: Omit<WatchEvent, "seq">[] = [];
    for (const ev of journal) {
      const present = await Promise.all(ev.reportIds.map((id) => store.getReport(id)));
      if (present.every((r) => r !== null)) replay.push(ev);
    }
    summary.events.push(...(await store.addEvents(replay)));
    await store.setMeta(journalKey(portal.id), []);
  }

  const http = { ...prev.http };
  const remember = (url: string, v: FetchResponse) => {
    if (v.etag || v.lastModified) http[url] = { ...(v.etag ? { etag: v.etag } : {}), ...(v.lastModified ? { lastModified: v.lastModified } : {}) };
  };

  // ---- list pages
  const cap = backfill ? HARD_PAGE_CAP : Math.min(HARD_PAGE_CAP, baseline ? (deps.maxPagesBaseline ?? 5) : (deps.maxPages ?? 2));
  const links: ReportLink[] = [];
  const seenLinks = new Set<string>();
  const visited = new Set<string>();
  let page: string | null = canonicalUrl(portal.url) ?? portal.url;
  let listError: string | null = null;
  while (page && visited.size < cap && !visited.has(page)) {
    visited.add(page);
    // Backfill walks everything: validators would hide pages that did not change.
    const cond = backfill ? {} : (http[page] ?? {});
    const r = await fetcher.fetch({ url: page, ...cond });
    if (!r.ok) {
      if (visited.size === 1) listError = r.error.message;
      else log.warn({ portal: portal.id, page, err: r.error.message }, "list page failed");
      break;
    }
    remember(page, r.value);
    // Unchanged first page: new reports appear there first, so later pages are unchanged too.
    if (r.value.notModified) break;
    const html = decodeBytes(r.value.bytes, r.value.contentType);
    const base = r.value.finalUrl;
    const scanned = scanListPage(html, base, portal.selectors);
    for (const l of scanned.links) {
      if (seenLinks.has(l.url)) continue;
      seenLinks.add(l.url);
      links.push(l);
    }
    page = scanned.next;
  }

  if (listError !== null) {
    await recordFailure(deps, portal, prev, now, listError, summary);
    return;
  }

  // ---- what to fetch: unseen links, plus a few recent known reports (corrections happen)
  const notes = (await store.getMeta(notesKey(portal.id))) ?? {};
  let notesChanged = false;
  const todo: { url: string; title: string; known: StoredReport | null }[] = [];
  const queued = new Set<string>();
  for (const l of links) {
    const known = await store.getReport(reportIdFor(l.url));
    if (known) continue;
    const note = notes[l.url];
    if (note && now.getTime() - Date.parse(note.at) < NOTE_RETRY_MS) continue;
    todo.push({ url: l.url, title: l.title, known: null });
    queued.add(l.url);
  }
  if (!baseline && !backfill) {
    const year = now.getUTCFullYear();
    const recent = (await store.findReports({ portalId: portal.id }))
      .filter((r) => r.report.year === null || r.report.year >= year - 2)
      // Unknown years first (they may be this year's), then newest first.
      .sort((a, b) => Number(b.report.year === null) - Number(a.report.year === null) || newestFirst(a, b))
      .slice(0, deps.recheckRecent ?? 3);
    for (const r of recent) if (!queued.has(r.url)) todo.push({ url: r.url, title: r.report.title ?? "", known: r });
  }

  // Article fetches that may succeed on a retry (5xx, timeout, network).
  let transient = 0;
  const isTransient = (e: { kind: string; status?: number }) => e.kind !== "http" || (e.status ?? 0) >= 500 || e.status === 429;
  for (const item of todo) {
    const r = await fetcher.fetch({ url: item.url, ...(http[item.url] ?? {}) });
    if (!r.ok) {
      summary.articleErrors++;
      if (!item.known && isTransient(r.error)) transient++;
      log.warn({ portal: portal.id, url: item.url, err: r.error.message }, "article fetch failed");
      if (r.error.kind === "http" && r.error.status !== undefined && r.error.status < 500 && !item.known) {
        notes[item.url] = { hash: null, code: `http-${r.error.status}`, message: r.error.message, at: nowIso };
        notesChanged = true;
      }
      continue;
    }
    remember(item.url, r.value);
    if (r.value.notModified) continue;
    const pageHash = sha256(r.value.bytes);
    if (item.known && (item.known.contentHash === pageHash || item.known.pageHash === pageHash)) continue;

    let raw = r.value.bytes;
    let rawHash = pageHash;
    let outcome = await parse({ source: item.url, bytes: raw, contentType: r.value.contentType, publishedAt: null });
    let attachmentUrl: string | undefined;
    const pageHasNoTables = outcome.ok ? !hasTables(outcome.report) : true;
    if (pageHasNoTables && (!outcome.ok || outcome.kind === "html")) {
      const html = decodeBytes(r.value.bytes, r.value.contentType);
      let unchangedAttachment = false;
      for (const att of findAttachments(html, r.value.finalUrl).slice(0, 3)) {
        // The page often changes (view counters) while its PDF does not: ask conditionally.
        const known = item.known?.attachmentUrl === att.url;
        const a = await fetcher.fetch({ url: att.url, ...(known ? (http[att.url] ?? {}) : {}) });
        if (!a.ok) {
          summary.articleErrors++;
          if (!item.known && isTransient(a.error)) transient++;
          log.warn({ portal: portal.id, url: att.url, err: a.error.message }, "attachment fetch failed");
          continue;
        }
        remember(att.url, a.value);
        if (a.value.notModified || (known && sha256(a.value.bytes) === item.known?.contentHash)) {
          unchangedAttachment = true;
          break;
        }
        const ao = await parse({ source: att.url, bytes: a.value.bytes, contentType: a.value.contentType, publishedAt: null });
        if (ao.ok && hasTables(ao.report)) {
          outcome = ao;
          raw = a.value.bytes;
          rawHash = sha256(raw);
          attachmentUrl = att.url;
          break;
        }
      }
      if (unchangedAttachment) continue;
    }
    if (!outcome.ok) {
      summary.unparsed++;
      notes[item.url] = { hash: pageHash, code: outcome.error.code, message: outcome.error.message, at: nowIso };
      notesChanged = true;
      log.info({ portal: portal.id, url: item.url, code: outcome.error.code }, "page is not a parseable report");
      continue;
    }
    if (notes[item.url]) {
      delete notes[item.url];
      notesChanged = true;
    }

    const report: Report = {
      ...outcome.report,
      // The article is the report's address even when an attachment was parsed.
      source: item.url,
      title: outcome.report.title ?? (item.title || null),
    };
    const id = reportIdFor(item.url);
    let stored: StoredReport = {
      id,
      url: item.url,
      portalId: portal.id,
      contentHash: rawHash,
      rawType: outcome.kind,
      fetchedAt: nowIso,
      publishedAt: report.publishedAt ?? null,
      report,
      text: outcome.text,
      ...(attachmentUrl ? { attachmentUrl, pageHash } : {}),
    };
    if (deps.enrich) stored = await deps.enrich(stored);

    let ev: Omit<WatchEvent, "seq"> | null = null;
    if (item.known) {
      if (tablesOf(item.known.report) === tablesOf(stored.report)) {
        // Same figures, different bytes (page chrome, re-upload): keep the newest copy quietly.
        await store.putRaw(rawHash, raw);
        await store.putReport(stored);
        continue;
      }
      const figureChanges = compareFigures(keyFigures(item.known.report), keyFigures(stored.report)).filter((c) => c.prev !== c.cur);
      ev = {
        id: `updated:${id}:${rawHash.slice(0, 16)}`,
        kind: "updated",
        at: nowIso,
        portalId: portal.id,
        reportIds: [id],
        figureChanges,
        detail: { url: item.url, title: report.title, year: report.year, previousHash: item.known.contentHash },
      };
    } else if (!baseline && !backfill) {
      ev = {
        id: `new:${id}`,
        kind: "new",
        at: nowIso,
        portalId: portal.id,
        reportIds: [id],
        detail: { url: item.url, title: report.title, year: report.year, ...(attachmentUrl ? { attachmentUrl } : {}) },
      };
    }

    await store.putRaw(rawHash, raw);
    if (ev) {
      const pending = (await store.getMeta(journalKey(portal.id))) ?? [];
      await store.setMeta(journalKey(portal.id), [...pending, ev]);
    }
    await store.putReport(stored);
    if (ev) {
      const added = await store.addEvents([ev]);
      summary.events.push(...added);
      if (ev.kind === "new") summary.newReports++;
      else summary.updated++;
    } else if (!item.known && backfill) {
      summary.newReports++;
    }
  }
  if (notesChanged) await store.setMeta(notesKey(portal.id), notes);
  if (transient) {
    // A new report could not be fetched: forget the list pages' validators so the next cycle
    // lists again and retries it (a 304 would hide it for good).
    for (const pg of visited) delete http[pg];
  }

  // ---- close the check: baseline event, recovery, state
  // A baseline with reports missing (transient errors) is finished by a later cycle, else those
  // reports would turn up as "new"; after a few tries it completes with what it has.
  const triesKey = metaKey.baselineTries(portal.id);
  let baselineComplete = true;
  if (baseline && transient) {
    const tries = ((await store.getMeta(triesKey)) ?? 0) + 1;
    baselineComplete = tries >= BASELINE_TRIES;
    if (!baselineComplete) await store.setMeta(triesKey, tries);
  }
  const evs: Omit<WatchEvent, "seq">[] = [];
  if (baseline && baselineComplete && links.length === 0) {
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
  if (baseline && baselineComplete) {
    const all = await store.findReports({ portalId: portal.id });
    const years = [...new Set(all.map((r) => r.report.year).filter((y): y is number => y !== null))].sort();
    evs.push({
      id: `baseline:${portal.id}`,
      kind: "baseline",
      at: nowIso,
      portalId: portal.id,
      reportIds: all.map((r) => r.id).sort(),
      detail: { count: all.length, years, name: portal.name },
    });
  }
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
  if (evs.length) summary.events.push(...(await store.addEvents(evs)));
  await store.putPortalState({
    ...prev,
    http,
    nextCheckAt: nextCheckAt(now, deps.config, portal.id, 0).toISOString(),
    lastCheckAt: nowIso,
    lastOkAt: nowIso,
    failures: 0,
    lastError: null,
    baselineDone: !baseline || baselineComplete,
    downAlerted: false,
  });
  if (baseline && baselineComplete) summary.baseline++;
  if ((await store.getMeta(journalKey(portal.id)))?.length) await store.setMeta(journalKey(portal.id), []);
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
