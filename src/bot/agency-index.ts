/**
 * An in-memory index of stored reports by agency, for /latest, /report and /anomalies.
 *
 * Why: matching needs the agencies grouped and normalised, which is too much work per command at
 * 100,000 reports. The index is built from the store's report heads (`listReportHeads()`: small,
 * kept in memory by the store; `findReports({})` would clone every full report, ≈ 1.8 s for 10,000)
 * and keeps only what matching needs (names, years, ids, the error/warning findings). It is rebuilt
 * when the store changed: the report count
 * moved, a new watcher event exists (new/updated/baseline reports), or it is older than
 * `INDEX_TTL_MS` (reparse and backfill change reports without events). A full report is then read
 * with `getReport(id)`.
 */
import type { Finding } from "../report/schema.js";
import { newestFirst, type Dated } from "../agency/series.js";
import type { EventLog, ReportHead as StoreReportHead, ReportStore, StoredReport } from "../store/types.js";
import { agencyDisplayName as agencyName } from "../agency/names.js";
import { matchForm } from "../agency/names.js";

/** Longest an index is trusted without a visible change. */
export const INDEX_TTL_MS = 10 * 60 * 1000;

/** What the index keeps of one report (a slice of the store's ReportHead). */
export interface IndexedReport extends Dated {
  portalId: string;
  /** Error and warning findings only (info is not shown by /anomalies). */
  issues: Finding[];
}

/** One agency's reports, newest first. */
export interface AgencyGroup {
  /** agencyKey (history helper) when set, else "n:" + normalised name. */
  key: string;
  /** As printed on the newest report. */
  name: string;
  norm: string;
  /** Normalised titles, for matching on title words. */
  titles: string[];
  reports: IndexedReport[];
}

/** The identity used to group reports: the history helper's agencyKey when set, else the normalised name. */
export function groupKey(r: StoredReport | StoreReportHead): string {
  return r.agencyKey ?? `n:${matchForm(agencyName(r))}`;
}

/** Groups reports (full, or the store's heads) by agency (pure). */
export function buildGroups(reports: readonly (StoredReport | StoreReportHead)[]): AgencyGroup[] {
  const groups = new Map<string, AgencyGroup & { newest: StoredReport | StoreReportHead }>();
  for (const r of reports) {
    const key = groupKey(r);
    const head: IndexedReport = {
      id: r.id,
      portalId: r.portalId,
      publishedAt: r.publishedAt,
      fetchedAt: r.fetchedAt,
      report: { year: r.report.year },
      issues: "issues" in r ? [...r.issues] : r.report.findings.filter((f) => f.severity !== "info"),
    };
    const title = r.report.title ? matchForm(r.report.title) : null;
    const g = groups.get(key);
    if (!g) {
      groups.set(key, { key, name: agencyName(r), norm: "", titles: title ? [title] : [], reports: [head], newest: r });
      continue;
    }
    g.reports.push(head);
    if (title && !g.titles.includes(title)) g.titles.push(title);
    if (newestFirst(r, g.newest) < 0) g.newest = r;
  }
  const out: AgencyGroup[] = [];
  for (const { newest, ...g } of groups.values()) {
    g.reports.sort(newestFirst);
    g.name = agencyName(newest);
    g.norm = matchForm(g.name);
    out.push(g);
  }
  return out.sort((a, b) => a.name.localeCompare(b.name, "zh"));
}

interface Built {
  groups: AgencyGroup[];
  count: number;
  seq: number;
  at: number;
}

const indexes = new WeakMap<ReportStore & EventLog, { built: Built | null; building: Promise<Built> | null }>();

async function lastSeq(store: ReportStore & EventLog, after: number): Promise<number> {
  let seq = after;
  for (;;) {
    const evs = await store.eventsAfter(seq, 1000);
    if (evs.length === 0) return seq;
    seq = evs[evs.length - 1]!.seq;
  }
}

/** The agency groups of `store`, from the cached index when nothing changed. */
export async function agencyGroups(store: ReportStore & EventLog, now: number = Date.now()): Promise<AgencyGroup[]> {
  let slot = indexes.get(store);
  if (!slot) indexes.set(store, (slot = { built: null, building: null }));
  const b = slot.built;
  if (b && now - b.at < INDEX_TTL_MS) {
    const [count, fresh] = await Promise.all([store.countReports(), store.eventsAfter(b.seq, 1)]);
    if (count === b.count && fresh.length === 0) return b.groups;
  }
  // Concurrent commands share one rebuild.
  slot.building ??= (async () => {
    const seq = await lastSeq(store, 0);
    const heads = await store.listReportHeads();
    return { groups: buildGroups(heads), count: heads.length, seq, at: now };
  })();
  try {
    slot.built = await slot.building;
  } finally {
    slot.building = null;
  }
  return slot.built.groups;
}

/** Forgets the cached index of `store` (tests, or after a bulk change). */
export function invalidateAgencyIndex(store: ReportStore & EventLog): void {
  indexes.delete(store);
}
