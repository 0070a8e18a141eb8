/**
 * An agency's reports across years: resolving what a user typed to one agency, and one report
 * per year (the newest copy when a report was re-published or mirrored).
 */
import type { Report } from "../report/schema.js";
import type { ReportHead, ReportQuery, ReportStore, StoredReport } from "../store/types.js";
import { cleanName, normalizeAgencyName, portalPlaceStems, searchVariants, type Identity } from "./identity.js";

const zh = new Intl.Collator("zh");
/** Orders Chinese names (pinyin order); one shared collator, as localeCompare builds one per call. */
export function compareZh(a: string, b: string): number {
  return zh.compare(a, b);
}

/**
 * What agency resolution reads of a report: a full StoredReport or the store's ReportHead (the
 * lookup runs on heads and reads only the chosen agency's reports in full).
 */
export type ReportLike = Pick<StoredReport, "id" | "portalId" | "fetchedAt" | "publishedAt"> & {
  agencyKey?: string | null;
  report: Pick<Report, "agency" | "title" | "year">;
};

/** What "newest" reads of a report. */
export interface Dated {
  id: string;
  publishedAt: string | null;
  fetchedAt: string;
  report: { year: number | null };
}

/**
 * Newest first — the one order of "newest" everywhere: report year (unknown last), then
 * publication date (a copy with none counts as older), then fetch time, then id.
 */
export function newestFirst(a: Dated, b: Dated): number {
  const ya = a.report.year ?? -Infinity;
  const yb = b.report.year ?? -Infinity;
  if (ya !== yb) return yb > ya ? 1 : -1;
  const sa = `${a.publishedAt ?? ""}\u0000${a.fetchedAt}\u0000${a.id}`;
  const sb = `${b.publishedAt ?? ""}\u0000${b.fetchedAt}\u0000${b.id}`;
  return sa === sb ? 0 : sa < sb ? 1 : -1;
}

/** The newer of two reports (newestFirst); for copies of one agency-year, the later copy. */
export function newer<T extends Dated>(a: T, b: T): T {
  return newestFirst(a, b) <= 0 ? a : b;
}

/** One report per year (newest copy), ascending by year; reports without a year are left out. */
export function onePerYear<T extends ReportLike>(reports: readonly T[]): T[] {
  const by = new Map<number, T>();
  for (const r of reports) {
    const y = r.report.year;
    if (y === null) continue;
    const cur = by.get(y);
    by.set(y, cur ? newer(cur, r) : r);
  }
  return [...by.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r);
}

/** The agency key of a stored report: the stored one, else computed. */
export function keyOf(r: ReportLike, identity: Identity): string | null {
  return r.agencyKey ?? identity.ofReport(r)?.key ?? null;
}

/** Groups reports by agency key (reports with no resolvable agency are dropped). */
export function groupByAgency<T extends ReportLike>(reports: readonly T[], identity: Identity): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of reports) {
    const k = keyOf(r, identity);
    if (!k) continue;
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

/** Result of resolving a user's agency query. */
export type AgencyLookup =
  | { ok: true; key: string; name: string; reports: StoredReport[] }
  | { ok: false; reason: "empty" | "none" | "ambiguous"; candidates: { key: string; name: string; years: number[] }[] };

/** Display name: the most recent report's agency (else its title's agency part). */
export function displayName(reports: readonly ReportLike[], identity: Identity): string {
  const sorted = [...reports].sort((a, b) => (b.report.year ?? 0) - (a.report.year ?? 0));
  for (const r of sorted) {
    const id = identity.ofReport(r);
    if (id) return id.name;
  }
  return sorted[0]?.report.agency ?? sorted[0]?.report.title ?? "?";
}

/**
 * All reports of the agency a user means by `query`: an agency key ("portal:core"), a substring
 * of agency/title, or a variant spelling that normalises to a known agency. Several agencies
 * matching is an "ambiguous" value listing them, never a guess.
 */
export async function findAgency(store: ReportStore, query: string, identity: Identity, scope: ReportQuery = {}): Promise<AgencyLookup> {
  const q = query.trim();
  if (!q) return { ok: false, reason: "empty", candidates: [] };
  // Resolution runs on the store's report heads (nothing copied); only the chosen agency's
  // reports are then read in full.
  const find = (rq: ReportQuery): Promise<ReportHead[]> => store.findReportHeads(rq);

  let hits: ReportHead[] = [];
  // An agency key as shown in lists ("hongze:政府", or an override's ASCII key).
  if (q.includes(":") || /^[\x21-\x7e]+$/.test(q)) hits = await find({ ...scope, agencyKey: q });
  const keyForm = /^([a-z0-9][a-z0-9-]*):./.exec(q);
  // Reports stored before keys were set: compute theirs on the key's portal.
  if (hits.length === 0 && keyForm?.[1]) hits = (await find({ ...scope, portalId: keyForm[1] })).filter((r) => keyOf(r, identity) === q);
  if (hits.length === 0) {
    hits = await find({ ...scope, agency: q });
    const cleaned = cleanName(q);
    if (hits.length === 0 && cleaned !== q) hits = await find({ ...scope, agency: cleaned });
  }
  if (hits.length === 0) {
    // Variant spelling ("洪泽区政府" for "淮安市洪泽区人民政府", "县政府办" for "栾川县人民政府办公室"):
    // search the long and short official forms, then keep only reports whose key has the same
    // normalised core on their own portal (a substring hit alone could be another county's office).
    const byId = new Map<string, ReportHead>();
    for (const v of searchVariants(q)) {
      if (v === q) continue;
      for (const r of await find({ ...scope, agency: v })) byId.set(r.id, r);
    }
    const coreByPortal = new Map<string, string>();
    for (const r of byId.values()) {
      let core = coreByPortal.get(r.portalId);
      if (core === undefined) {
        core = normalizeAgencyName(q, portalPlaceStems(identity.portal(r.portalId)));
        coreByPortal.set(r.portalId, core);
      }
      const k = keyOf(r, identity);
      if (k && k.slice(k.indexOf(":") + 1) === core) hits.push(r);
    }
  }
  const groups = groupByAgency(hits, identity);
  if (groups.size === 0) return { ok: false, reason: "none", candidates: [] };
  let chosen: [string, ReportHead[]] | undefined;
  if (groups.size === 1) chosen = [...groups.entries()][0];
  else {
    // Several bodies contain the text ("县政府办" in many portals): an exact name wins.
    const cq = cleanName(q);
    const exact = [...groups.entries()].filter(([, rs]) => rs.some((r) => cleanName(r.report.agency ?? "") === cq));
    if (exact.length === 1) chosen = exact[0];
  }
  if (!chosen) {
    const candidates = [...groups.entries()]
      .map(([key, rs]) => ({ key, name: displayName(rs, identity), years: onePerYear(rs).map((r) => r.report.year ?? 0) }))
      .sort((a, b) => compareZh(a.name, b.name));
    return { ok: false, reason: "ambiguous", candidates };
  }
  const [key, some] = chosen;
  // The name search may have missed years whose title differs; the key finds them.
  const byKey = await find({ ...scope, agencyKey: key });
  const seen = new Set(some.map((r) => r.id));
  const reports = await store.getReports([...some, ...byKey.filter((r) => !seen.has(r.id))].map((r) => r.id));
  return { ok: true, key, name: displayName(reports, identity), reports };
}
