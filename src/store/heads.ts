/**
 * Report heads (pure): the index-sized part of a StoredReport and the ReportQuery predicate over
 * it. Drivers build one head per report and match queries on heads, so a lookup over 100,000
 * reports neither walks nor copies the full reports; only the hits are read in full.
 */
import type { ReportHead, ReportQuery, StoredReport } from "./types.js";

/** The head of a stored report, deeply frozen (heads are shared between callers). */
export function toHead(r: StoredReport): ReportHead {
  const counts = { error: 0, warning: 0, info: 0 };
  const issues = [];
  for (const f of r.report.findings) {
    counts[f.severity]++;
    if (f.severity !== "info") issues.push(Object.freeze(structuredClone(f)));
  }
  return Object.freeze({
    id: r.id,
    url: r.url,
    portalId: r.portalId,
    agencyKey: r.agencyKey ?? null,
    fetchedAt: r.fetchedAt,
    publishedAt: r.publishedAt,
    report: Object.freeze({
      title: r.report.title,
      agency: r.report.agency,
      year: r.report.year,
      publishedAt: r.report.publishedAt ?? null,
    }),
    issues: Object.freeze(issues),
    findingCounts: Object.freeze(counts),
  });
}

/**
 * True when a report with this head is in `findReports(q)`: year, portal and agency key equal,
 * `agency` a substring of agency or title (trimmed; empty means any). `region` needs the portal
 * registry and is not a store-level filter.
 */
export function headMatches(h: ReportHead, q: ReportQuery): boolean {
  if (q.year !== undefined && h.report.year !== q.year) return false;
  if (q.portalId !== undefined && h.portalId !== q.portalId) return false;
  if (q.agencyKey !== undefined && h.agencyKey !== q.agencyKey) return false;
  const needle = q.agency?.trim();
  if (needle) {
    // Same as matching `${agency}\0${title}` without building that string per report (a
    // needle holding \0 could span both, so it takes the joined form).
    const agency = h.report.agency ?? "";
    const title = h.report.title ?? "";
    if (needle.includes("\u0000")) return `${agency}\u0000${title}`.includes(needle);
    return agency.includes(needle) || title.includes(needle);
  }
  return true;
}

const SEP = "\u0001";

/**
 * Heads plus a substring index for `agency` queries: every head's `${agency}\0${title}` joined
 * into one string, searched with one `indexOf` per hit instead of two `includes` per report (a
 * full pass of 100,000 heads with includes costs ≈ 50 ms; the joined search a few ms), and heads
 * by agency key. Exactly the headMatches semantics; needles or names holding the separator take
 * the plain pass. Built lazily; a new index is made when the heads change.
 */
export class HeadIndex {
  private text: string | null = null;
  private starts: Int32Array | null = null;
  private usable = true;
  private byKey: Map<string, ReportHead[]> | null = null;

  constructor(readonly heads: readonly ReportHead[]) {}

  /** Heads matching `q`, in `heads` order. */
  find(q: ReportQuery): ReportHead[] {
    const needle = q.agency?.trim();
    if (q.agencyKey !== undefined && !needle) {
      // A key query (every history lookup ends with one): only that agency's heads.
      if (!this.byKey) {
        this.byKey = new Map();
        for (const h of this.heads) {
          if (h.agencyKey === null) continue;
          const l = this.byKey.get(h.agencyKey);
          if (l) l.push(h);
          else this.byKey.set(h.agencyKey, [h]);
        }
      }
      return (this.byKey.get(q.agencyKey) ?? []).filter((h) => headMatches(h, q));
    }
    if (!needle || needle.includes(SEP) || !this.build()) return this.heads.filter((h) => headMatches(h, q));
    const text = this.text!;
    const starts = this.starts!;
    const out: ReportHead[] = [];
    let from = 0;
    for (;;) {
      const at = text.indexOf(needle, from);
      if (at < 0) break;
      // The head whose span holds `at`: the last start ≤ at (binary search).
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]! <= at) lo = mid;
        else hi = mid - 1;
      }
      const h = this.heads[lo]!;
      if (headMatches(h, q)) out.push(h);
      // Next head: one hit per head is enough.
      from = lo + 1 < starts.length ? starts[lo + 1]! : text.length;
    }
    return out;
  }

  private build(): boolean {
    if (this.text !== null) return true;
    if (!this.usable) return false;
    const parts: string[] = new Array<string>(this.heads.length);
    const starts = new Int32Array(this.heads.length);
    let pos = 0;
    for (let i = 0; i < this.heads.length; i++) {
      const h = this.heads[i]!;
      const s = `${h.report.agency ?? ""}\u0000${h.report.title ?? ""}`;
      if (s.includes(SEP)) {
        this.usable = false;
        return false;
      }
      starts[i] = pos;
      parts[i] = s;
      pos += s.length + 1;
    }
    this.text = parts.join(SEP);
    this.starts = starts;
    return true;
  }
}
