/**
 * "Is this report late?" — the one answer, used by the alert, /latest, the digest, the overdue
 * list and the deadline.late finding alike (pure).
 *
 * The level comes from resolveLevel (the agency's own name first, then the portal's level); an
 * unknown level takes the later deadline (31 March), so only certain lateness is reported.
 */
import { deadlineFor, resolveLevel, type Level } from "../report/rules/deadline.js";
import type { Report } from "../report/schema.js";
import type { PortalEntry } from "../store/types.js";

export type { Level };
export { resolveLevel, deadlineFor };

/** What timeliness needs of a stored report. */
export interface DatedReport {
  /** Date shown on the portal's list, when known. */
  publishedAt: string | null;
  report: Pick<Report, "year" | "agency" | "title"> & { publishedAt?: string | null };
}

/** The date a report counts as published (YYYY-MM-DD): the portal's date, else the one it prints. */
export function publishedDate(r: DatedReport): string | null {
  const raw = (r.publishedAt ?? r.report.publishedAt ?? null)?.trim().slice(0, 10) ?? null;
  return raw && /^\d{4}-\d{2}-\d{2}$/.test(raw) ? raw : null;
}

/** A report's standing against its deadline. */
export interface Timeliness {
  /** The level that applies; null when neither the name nor the portal tells. */
  level: Level | null;
  /** The deadline applied (an unknown level takes the later one). */
  deadline: string;
  published: string;
  late: boolean;
  /** Days after the deadline (0 when on time). */
  daysLate: number;
}

/** Timeliness of a report; null when its year or publication date is unknown. */
export function timeliness(r: DatedReport, portal?: Pick<PortalEntry, "level"> | null): Timeliness | null {
  const published = publishedDate(r);
  const year = r.report.year;
  if (!published || year === null) return null;
  const level = resolveLevel(r.report, portal?.level);
  const deadline = deadlineFor(year, level ?? "government");
  const days = Math.round((Date.parse(`${published}T00:00:00Z`) - Date.parse(`${deadline}T00:00:00Z`)) / 86_400_000);
  return { level, deadline, published, late: days > 0, daysLate: Math.max(0, days) };
}
