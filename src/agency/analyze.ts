/**
 * History-aware analysis of a stored report (orchestration over the Store; the checks are R's
 * pure rules): the agency key, last year's report of the same agency, the cross-year findings,
 * and the "no report yet" list once a deadline has passed.
 */
import { checkDeadline } from "../report/rules/deadline.js";
import { deadlineFor, publishedDate, resolveLevel, type Level } from "./deadline.js";
import { checkAcrossYears } from "../report/rules/index.js";
import { sortFindings } from "../report/rules/finding.js";
import type { Finding } from "../report/schema.js";
import type { PortalEntry, ReportStore, StoredReport } from "../store/types.js";
import { createIdentity, type Identity } from "./identity.js";
import { compareZh, displayName, groupByAgency, keyOf, newer } from "./series.js";

/** Rule ids this module owns on a report: replaced, never duplicated, on re-runs. */
const XYEAR_PREFIX = "xyear.";
const DEADLINE_RULE = "deadline.late";

/** Options of annotateWithHistory. */
export interface AnnotateOptions {
  /** Built once by the caller (portals give place names; overrides decide hard cases). */
  identity?: Identity;
}

/**
 * Returns a copy of `r` with `agencyKey` set and, when last year's report of the same agency is
 * stored, the cross-year findings (xyear.*) in `report.findings` — earlier xyear.* findings are
 * replaced, so re-running is idempotent. The deadline finding is recomputed with the portal's
 * date and level (agency/deadline: the same answer the alert and /latest give). The store is
 * only read.
 */
export async function annotateWithHistory(store: ReportStore, r: StoredReport, opts: AnnotateOptions = {}): Promise<StoredReport> {
  const identity = opts.identity ?? createIdentity();
  const id = identity.ofReport(r);
  const out: StoredReport = { ...r, agencyKey: id?.key ?? r.agencyKey ?? null, report: { ...r.report } };
  let findings: Finding[] = r.report.findings.filter((f) => !f.rule.startsWith(XYEAR_PREFIX) && f.rule !== DEADLINE_RULE);

  const prev = out.agencyKey ? await previousYear(store, out, identity) : null;
  if (prev) {
    const xs = checkAcrossYears(
      { report: prev.report, text: prev.text ?? null, publishedAt: prev.publishedAt },
      { report: out.report, text: out.text ?? null, publishedAt: out.publishedAt },
    );
    findings = [...findings, ...xs.filter((f) => f.rule.startsWith(XYEAR_PREFIX))];
  }
  const late = checkDeadline(out.report.year, publishedDate(out), resolveLevel(out.report, identity.portal(out.portalId)?.level));
  // Keep the severity order (errors first) the single-report checks established.
  out.report.findings = sortFindings([...findings, ...late]);
  return out;
}

/**
 * The watcher's `enrich` hook: annotateWithHistory with the current identity. A failure is
 * logged and the report is stored without the cross-year findings rather than lost.
 */
export function historyEnricher(
  store: ReportStore,
  identity: () => Identity,
  log: { warn: (obj: object, msg: string) => void },
): (r: StoredReport) => Promise<StoredReport> {
  return async (r) => {
    try {
      return await annotateWithHistory(store, r, { identity: identity() });
    } catch (e) {
      log.warn({ reportId: r.id, err: (e as Error).message }, "history annotation failed; storing the report without it");
      return r;
    }
  };
}

/** The newest stored report of the same agency for the year before `r`'s; null if none. */
export async function previousYear(store: ReportStore, r: StoredReport, identity: Identity): Promise<StoredReport | null> {
  const year = r.report.year;
  const key = r.agencyKey ?? identity.ofReport(r)?.key ?? null;
  if (year === null || !key) return null;
  // By key (joins portals via overrides) and by portal (reports stored before keys existed).
  const [byKey, byPortal] = await Promise.all([
    store.findReports({ agencyKey: key, year: year - 1 }),
    store.findReports({ portalId: r.portalId, year: year - 1 }),
  ]);
  let best: StoredReport | null = null;
  const seen = new Set<string>();
  for (const c of [...byKey, ...byPortal]) {
    if (c.id === r.id || seen.has(c.id)) continue;
    seen.add(c.id);
    if (keyOf(c, identity) !== key) continue;
    best = best ? newer(best, c) : c;
  }
  return best;
}

/** An agency whose report for `year` is overdue and not stored. */
export interface MissingReport {
  portalId: string;
  /** null: the portal has no stored report at all (its own government is assumed). */
  agencyKey: string | null;
  name: string;
  year: number;
  deadline: string;
  level: Level;
  /** Latest year stored for the agency, if any. */
  lastYear: number | null;
}

/** YYYY-MM-DD of `now` in China (UTC+8, no DST): deadlines are Beijing dates. */
function chinaDate(now: Date): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/**
 * Agencies with no report for last year although its deadline has passed (for /status and the
 * digest). Agencies are those seen on each portal in earlier years; a portal with no report at
 * all is listed once under its own name.
 */
export async function missingReports(
  store: ReportStore,
  portals: readonly PortalEntry[],
  now: Date,
  opts: AnnotateOptions = {},
): Promise<MissingReport[]> {
  const identity = opts.identity ?? createIdentity({ portals });
  const today = chinaDate(now);
  const year = Number(today.slice(0, 4)) - 1;
  const out: MissingReport[] = [];
  for (const p of portals) {
    const reports = await store.findReports({ portalId: p.id });
    if (reports.length === 0) {
      const level: Level = resolveLevel({ agency: p.name }, p.level) ?? "government";
      const deadline = deadlineFor(year, level);
      if (today > deadline) out.push({ portalId: p.id, agencyKey: null, name: p.name, year, deadline, level, lastYear: null });
      continue;
    }
    for (const [key, rs] of groupByAgency(reports, identity)) {
      const years = rs.map((r) => r.report.year).filter((y): y is number => y !== null);
      if (years.includes(year) || years.some((y) => y > year)) continue;
      const latest = rs.reduce((a, b) => newer(a, b));
      const name = displayName(rs, identity);
      const level: Level = resolveLevel(latest.report, p.level) ?? "government";
      const deadline = deadlineFor(year, level);
      if (today <= deadline) continue;
      out.push({ portalId: p.id, agencyKey: key, name, year, deadline, level, lastYear: years.length ? Math.max(...years) : null });
    }
  }
  return out.sort((a, b) => (a.portalId < b.portalId ? -1 : a.portalId > b.portalId ? 1 : 0) || compareZh(a.name, b.name));
}
