/**
 * completeness.blankTotals: the 总计 column of 表三 left blank on the result rows while the
 * applicant columns hold numbers (seen on a provincial 2019-layout HTML report). The sums that
 * need 总计 are then undecided; the per-column checks and the narrative (which falls back to the
 * sum of the applicant cells) still run.
 */
import type { Finding, Requests } from "../schema.js";
import { finding } from "./finding.js";

/** One warning when every filled result row has a blank 总计 (at least two such rows). */
export function checkBlankTotals(req: Requests): Finding[] {
  let filled = 0;
  let blankTotal = 0;
  for (const [key, row] of Object.entries(req)) {
    if (!row || key === "newReceived" || key === "carriedOver" || key === "carriedForward") continue;
    const hasValues = row.slice(0, 6).some((v) => typeof v === "number" && v > 0);
    if (!hasValues) continue;
    filled++;
    if (row[6] === null || row[6] === undefined) blankTotal++;
  }
  if (filled < 2 || blankTotal !== filled) return [];
  return [
    finding(
      "completeness.blankTotals",
      "warning",
      `表三“总计”列在有数字的${filled}个办理结果行中全部空白；依赖总计的核对无法确认，其余核对和正文数字仍按各列数字核对`,
      `Table 3: the total column is blank on all ${filled} result rows that hold numbers; checks needing it are undecided, the others still run`,
      ["表三.total"],
    ),
  ];
}
