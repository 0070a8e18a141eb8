/**
 * Peer view (pure): agencies of one region ranked by a key figure for one year, with outliers
 * flagged only where the numbers can carry it.
 *
 * Outliers are judged on rates only (share of 本机关不掌握, 纠错率 …): counts mostly measure size.
 * An agency takes part only with a denominator ≥ minDenominator, and flags need ≥ minPeers such
 * agencies. The test is the robust z-score (0.6745·(x − median)/MAD, |z| > 3.5, Iglewicz &
 * Hoaglin); when MAD is 0 (half the peers share one value) Tukey's fences (Q1 − 1.5·IQR,
 * Q3 + 1.5·IQR) decide instead, and with IQR 0 too nothing is flagged.
 */
import type { PortalEntry, StoredReport } from "../store/types.js";
import type { Identity } from "./identity.js";
import { figureOf, isRate, type FigureKey } from "./metrics.js";
import { compareZh, displayName, keyOf, newer } from "./series.js";

/** Options of a peer ranking. */
export interface PeerOptions {
  /** Region prefix, e.g. "江苏 宿迁" (matches "江苏 宿迁 沭阳"; spaces ignored). */
  region: string;
  figure: FigureKey;
  /** Report year; default the latest year with reports in the region. */
  year?: number;
  minDenominator?: number;
  minPeers?: number;
  /** Robust z threshold. */
  zThreshold?: number;
}

/** One ranked agency. */
export interface PeerRow {
  rank: number;
  agencyKey: string;
  name: string;
  portalId: string;
  reportId: string;
  value: number;
  /** For rates: the denominator (办结 or 复议总计). */
  denominator: number | null;
  /** Took part in the outlier test (denominator large enough). */
  eligible: boolean;
  outlier: null | { direction: "high" | "low"; score: number; method: "mad" | "iqr" };
}

/** A ranking. */
export interface PeerRanking {
  region: string;
  figure: FigureKey;
  year: number | null;
  rows: PeerRow[];
  /** Agencies of the region with no value for the figure that year. */
  missing: { agencyKey: string; name: string }[];
  /** Agencies eligible for the outlier test; fewer than minPeers means no flags. */
  eligibleCount: number;
  outliersTested: boolean;
  median: number | null;
}

const compact = (s: string): string => s.replace(/\s+/g, "");

/** Portals whose region starts with `region` (spaces ignored), or whose name equals it. */
export function portalsInRegion(portals: readonly PortalEntry[], region: string): PortalEntry[] {
  const q = compact(region);
  if (!q) return [...portals];
  return portals.filter((p) => compact(p.region ?? "").startsWith(q) || compact(p.name) === q);
}

/** Median of a sorted array. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] ?? NaN;
  const b = sorted[hi] ?? NaN;
  return a + (b - a) * (pos - lo);
}

/** Outlier flags for values (pure); indexes of `values` → flag. */
export function robustOutliers(
  values: readonly number[],
  zThreshold = 3.5,
): Map<number, { direction: "high" | "low"; score: number; method: "mad" | "iqr" }> {
  const out = new Map<number, { direction: "high" | "low"; score: number; method: "mad" | "iqr" }>();
  const sorted = [...values].sort((a, b) => a - b);
  const med = quantile(sorted, 0.5);
  const mad = quantile(
    values.map((v) => Math.abs(v - med)).sort((a, b) => a - b),
    0.5,
  );
  if (mad > 0) {
    values.forEach((v, i) => {
      const z = (0.6745 * (v - med)) / mad;
      if (Math.abs(z) > zThreshold) out.set(i, { direction: z > 0 ? "high" : "low", score: z, method: "mad" });
    });
    return out;
  }
  const q1 = quantile(sorted, 0.25);
  const q3 = quantile(sorted, 0.75);
  const iqr = q3 - q1;
  if (!(iqr > 0)) return out;
  values.forEach((v, i) => {
    if (v > q3 + 1.5 * iqr) out.set(i, { direction: "high", score: (v - q3) / iqr, method: "iqr" });
    else if (v < q1 - 1.5 * iqr) out.set(i, { direction: "low", score: (v - q1) / iqr, method: "iqr" });
  });
  return out;
}

/** Ranks the region's agencies by `figure` (highest first). Pure. */
export function rankPeers(reports: readonly StoredReport[], portals: readonly PortalEntry[], identity: Identity, opts: PeerOptions): PeerRanking {
  const minDen = opts.minDenominator ?? 20;
  const minPeers = opts.minPeers ?? 5;
  const inRegion = new Set(portalsInRegion(portals, opts.region).map((p) => p.id));
  const regional = reports.filter((r) => inRegion.has(r.portalId) && r.report.year !== null);
  const year = opts.year ?? regional.reduce<number | null>((m, r) => (m === null || (r.report.year ?? 0) > m ? r.report.year : m), null);
  const empty: PeerRanking = { region: opts.region, figure: opts.figure, year, rows: [], missing: [], eligibleCount: 0, outliersTested: false, median: null };
  if (year === null) return empty;

  // One report per agency for that year (the newest copy); every agency of the region is known.
  const allAgencies = new Map<string, StoredReport[]>();
  const ofYear = new Map<string, StoredReport>();
  for (const r of regional) {
    const k = keyOf(r, identity);
    if (!k) continue;
    const list = allAgencies.get(k);
    if (list) list.push(r);
    else allAgencies.set(k, [r]);
    if (r.report.year !== year) continue;
    const cur = ofYear.get(k);
    ofYear.set(k, cur ? newer(cur, r) : r);
  }
  const rate = isRate(opts.figure);
  const rows: PeerRow[] = [];
  const missing: { agencyKey: string; name: string }[] = [];
  for (const [k, rs] of allAgencies) {
    const r = ofYear.get(k);
    const f = r ? figureOf(r.report, opts.figure) : null;
    if (!r || !f || f.value === null) {
      missing.push({ agencyKey: k, name: displayName(rs, identity) });
      continue;
    }
    rows.push({
      rank: 0,
      agencyKey: k,
      name: displayName(rs, identity),
      portalId: r.portalId,
      reportId: r.id,
      value: f.value,
      denominator: f.denominator,
      eligible: rate && f.denominator !== null && f.denominator >= minDen,
      outlier: null,
    });
  }
  rows.sort((a, b) => b.value - a.value || compareZh(a.name, b.name));
  rows.forEach((row, i) => {
    // Ties share a rank (1, 2, 2, 4).
    const prev = rows[i - 1];
    row.rank = prev && prev.value === row.value ? prev.rank : i + 1;
  });
  const eligible = rows.filter((r) => r.eligible);
  const tested = rate && eligible.length >= minPeers;
  if (tested) {
    const flags = robustOutliers(
      eligible.map((r) => r.value),
      opts.zThreshold ?? 3.5,
    );
    for (const [i, flag] of flags) {
      const row = eligible[i];
      if (row) row.outlier = flag;
    }
  }
  const sortedVals = rows.map((r) => r.value).sort((a, b) => a - b);
  missing.sort((a, b) => compareZh(a.name, b.name));
  return {
    region: opts.region,
    figure: opts.figure,
    year,
    rows,
    missing,
    eligibleCount: eligible.length,
    outliersTested: tested,
    median: sortedVals.length ? quantile(sortedVals, 0.5) : null,
  };
}
