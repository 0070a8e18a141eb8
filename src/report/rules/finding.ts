/**
 * Small helpers shared by the rule families: building findings and checking equations whose
 * operands may be blank (null).
 */
import type { Finding, Severity } from "../schema.js";

/** Build a finding with both locales. */
export function finding(rule: string, severity: Severity, message: string, messageEn: string, cells?: string[]): Finding {
  return cells && cells.length > 0 ? { rule, severity, message, messageEn, cells } : { rule, severity, message, messageEn };
}

/** Severity order: errors first, then warnings, then info. The one order every list uses. */
export const SEVERITY_ORDER: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

/** Findings sorted errors first; the order within a severity is kept (stable sort). */
export function sortFindings<T extends Pick<Finding, "severity">>(fs: readonly T[]): T[] {
  return [...fs].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}

/** Outcome of an equation check: holds, definitely fails, or cannot be decided (blank operands). */
export type EqOutcome = "ok" | "fail" | "uncertain";

const EPS = 1e-6;

/** Sum of the known values; `hasNull` when any operand is blank. */
export function partialSum(values: readonly (number | null | undefined)[]): { sum: number; hasNull: boolean } {
  let sum = 0;
  let hasNull = false;
  // An indexed loop: the rules call this ~100 times per report.
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined || !Number.isFinite(v)) hasNull = true;
    else sum += v;
  }
  return { sum, hasNull };
}

/**
 * Σlhs = Σrhs with tolerance 0. A blank operand makes the check uncertain — except when the
 * known operands on the side with blanks already exceed the fully known other side: cells are
 * non-negative, so no value of the blanks can make it hold.
 */
export function checkEquation(lhs: readonly (number | null | undefined)[], rhs: readonly (number | null | undefined)[]): EqOutcome {
  const l = partialSum(lhs);
  const r = partialSum(rhs);
  if (!l.hasNull && !r.hasNull) return Math.abs(l.sum - r.sum) < EPS ? "ok" : "fail";
  if (l.hasNull && !r.hasNull && l.sum > r.sum + EPS) return "fail";
  if (r.hasNull && !l.hasNull && r.sum > l.sum + EPS) return "fail";
  return "uncertain";
}

/** A cell for messages: the number, or 空 / blank. */
export function fmtCell(v: number | null | undefined, locale: "zh" | "en" = "zh"): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return locale === "zh" ? "空" : "blank";
  return fmtNumber(v);
}

/** Integers as is; decimals with at most 4 places, trailing zeros dropped. */
export function fmtNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return v.toFixed(4).replace(/0+$/, "").replace(/\.$/, "");
}

/** Sum of values, or null when any is blank. */
export function strictSum(values: readonly (number | null | undefined)[]): number | null {
  const p = partialSum(values);
  return p.hasNull ? null : p.sum;
}
