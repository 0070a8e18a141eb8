/**
 * Does a subscription match a report (pure)? Substring matching on normalised Chinese names —
 * Simplified, NFKC (full-width → half-width), no whitespace, lower-case Latin — never a regular
 * expression built from user input.
 *
 * What each kind looks at:
 * - "agency": the report's agency (its title when the agency is unknown);
 * - "region": the portal's region and name, and the agency (宿迁 matches 宿迁市人民政府);
 * - "keyword": all of the above plus the title;
 * - "all": everything.
 */
import { matchForm } from "../agency/names.js";
import type { PortalEntry, StoredReport, Subscription } from "../store/types.js";

/** True when the subscription `sub` asks for report `r` (from `portal`, when known). */
/** What matching needs of a report: its agency and title (an overdue agency passes its name as both). */
export type Matchable = { report: Pick<StoredReport["report"], "agency" | "title"> };

export function matchesSubscription(sub: Subscription, r: Matchable, portal?: PortalEntry): boolean {
  if (sub.kind === "all") return true;
  const needle = matchForm(sub.value);
  if (!needle) return false;
  const agency = matchForm(r.report.agency ?? r.report.title);
  switch (sub.kind) {
    case "agency":
      return agency.includes(needle);
    case "region":
      return [portal?.region, portal?.name].some((x) => matchForm(x).includes(needle)) || agency.includes(needle);
    case "keyword":
      return (
        agency.includes(needle) ||
        matchForm(r.report.title).includes(needle) ||
        [portal?.region, portal?.name].some((x) => matchForm(x).includes(needle))
      );
    default:
      return false;
  }
}

/** True when any of `subs` matches `r`. */
export function matchesAny(subs: readonly Subscription[], r: StoredReport, portal?: PortalEntry): boolean {
  return subs.some((s) => matchesSubscription(s, r, portal));
}
