/**
 * Findings for one report (tables, structure, narrative, deadline) and across consecutive years.
 * Pure: strings and objects in, findings out; no I/O, no clock; never throws.
 * Rule ids are stable; see DOMAIN.md "Checks a report must pass":
 *
 * - tables (error): t3.balance, t3.resultsSum, t3.applicantSum, t4.blockSum, completeness.table
 * - completeness.rows (warning; info for a collapsed （六） row), completeness.section (warning),
 *   completeness.blankCells (info: blank cells + checks left undecided by them)
 * - structure.duplicateHeading, structure.misnumbered, meta.yearMismatch, deadline.late (warning)
 * - narrative.placeholder and narrative.<figure> (warning, quoting the sentence): newReceived,
 *   handled, carriedOver, carriedForward, review, litigation, normativeValid, regulationsValid,
 *   normativeMade
 * - across years: xyear.carryOver (error), xyear.validContinuity, xyear.repetition (warning),
 *   xyear.swing (info / warning), xyear.notConsecutive (info)
 * - rules.internal (info): a rule crashed; the others still ran
 *
 * A blank (null) operand makes a check uncertain, never failed — unless the known operands alone
 * already break it (cells are non-negative).
 */
import type { Finding, Report } from "../schema.js";
import { checkDeadline, resolveLevel } from "./deadline.js";
import type { Level } from "./deadline.js";
import { finding, sortFindings } from "./finding.js";
import { checkNarrative } from "./narrative.js";
import { checkPlaceholders, checkSections, checkYear, table2Region } from "./structure.js";
import {
  checkApplicantSum,
  checkBalance,
  checkResultsSum,
  checkReviewBlocks,
  checkRows,
  checkTablesPresent,
  countBlankCells,
} from "./tables.js";
import type { Uncertain } from "./tables.js";
import { internal } from "./xyear.js";
import { checkBlankTotals } from "./blank-totals.js";

export { checkAcrossYears, repetitionShare } from "./xyear.js";
export type { YearInput } from "./xyear.js";
export { inferLevel, deadlineFor, resolveLevel } from "./deadline.js";
export type { Level } from "./deadline.js";

/** What a single-report check needs. */
export interface CheckInput {
  /** Tables as parsed (null cells = blank). */
  report: Omit<Report, "findings">;
  /** Whole document, normalised: Simplified Chinese, half-width digits. */
  text: string;
  /** ISO date; the deadline check runs when known (else report.publishedAt). */
  publishedAt?: string | null;
  /** The portal's declared level: used only when the agency's name does not tell (resolveLevel). */
  level?: Level | null;
}

/** All single-report findings, errors first. Pure, never throws. */
export function checkReport(input: CheckInput): Finding[] {
  const out: Finding[] = [];
  const unc: Uncertain = { zh: [], en: [] };
  const run = (f: () => Finding[]): void => {
    try {
      out.push(...f());
    } catch (e) {
      out.push(internal(e));
    }
  };
  const r = input.report;
  const text = typeof input.text === "string" ? input.text : "";

  run(() => checkTablesPresent(r));
  if (r.requests) {
    const req = r.requests;
    run(() => checkBlankTotals(req));
  }
  if (r.requests) {
    const req = r.requests;
    run(() => checkBalance(req, unc));
    run(() => checkResultsSum(req, unc));
    run(() => checkApplicantSum(req, unc));
  }
  if (r.reviewLitigation) {
    const rl = r.reviewLitigation;
    run(() => checkReviewBlocks(rl, unc));
  }
  run(() => checkRows(r, text, table2Region(text) ?? undefined));
  run(() => checkSections(r, text));
  run(() => checkPlaceholders(text));
  run(() => checkYear(r, text));
  run(() => checkNarrative(r, text, unc));
  run(() => {
    const level = resolveLevel(r, input.level);
    return checkDeadline(r.year, input.publishedAt ?? r.publishedAt ?? null, level);
  });
  run(() => summariseBlanks(r, unc));

  return sortFindings(out);
}

/** Listed uncertain checks are capped so a blank report does not produce a wall of text. */
const MAX_LISTED = 6;

/** completeness.blankCells (info): blank cells and the checks they left undecided. */
function summariseBlanks(r: CheckInput["report"], unc: Uncertain): Finding[] {
  const blanks = countBlankCells(r);
  if (blanks === 0 && unc.zh.length === 0) return [];
  const list = (xs: string[], sep: string, more: (n: number) => string): string =>
    xs.slice(0, MAX_LISTED).join(sep) + (xs.length > MAX_LISTED ? more(xs.length - MAX_LISTED) : "");
  const zh =
    `表格中有${blanks}个空白单元格` +
    (unc.zh.length > 0 ? `；${unc.zh.length}项核对因空白无法确认：${list(unc.zh, "、", (n) => `等（另${n}项）`)}` : "");
  const en =
    `${blanks} blank cell(s) in the tables` +
    (unc.en.length > 0 ? `; ${unc.en.length} check(s) undecided because of blanks: ${list(unc.en, ", ", (n) => ` and ${n} more`)}` : "");
  return [finding("completeness.blankCells", "info", zh, en)];
}
