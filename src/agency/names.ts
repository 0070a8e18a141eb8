/**
 * Agency names (pure): the one matching form and the one display name.
 *
 * Matching and display are different questions. Matching folds every spelling a user or a portal
 * may use onto one form (NFKC, Traditional → Simplified, no whitespace, lower-case Latin);
 * display keeps the source's own characters — the converter turns 乾县 into 干县, which must never
 * reach a reader.
 */
import { simplifyChars } from "../report/extract/normalise.js";
import type { Report } from "../report/schema.js";

const CACHE_MAX = 50_000;
const cache = new Map<string, string>();

/**
 * The matching form of a name: NFKC (full-width → half-width), Traditional → Simplified, no
 * whitespace, lower-case Latin. "沭阳县 发改局" and "沭陽縣發改局" match each other. Compare
 * matching forms with `includes`/`===`, never by building a regular expression from them.
 */
export function matchForm(s: string | null | undefined): string {
  if (!s) return "";
  const hit = cache.get(s);
  if (hit !== undefined) return hit;
  const v = simplifyChars(s.normalize("NFKC")).replace(/[\s\u3000\u00a0]+/g, "").toLowerCase();
  // Names repeat across commands, alerts and index rebuilds; the conversion is the costly part.
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(s, v);
  return v;
}

/** What the display name needs of a stored report. */
export interface NamedReport {
  url: string;
  report: Pick<Report, "agency" | "title">;
}

/**
 * The name a report is shown under: its agency as printed, else its title, else the portal's
 * name, else its URL. Source characters are kept as they are.
 */
export function agencyDisplayName(r: NamedReport, portal?: { name: string } | null): string {
  return r.report.agency ?? r.report.title ?? portal?.name ?? r.url;
}
