/**
 * Golden tests: one folder per real report (test/golden/<case>/source.<ext> + expected.json, the
 * expected values taken from the hand-checked corpus, not from parser output). One generated test
 * per folder. Expected null = blank or unreadable in the source: the parser must give null (or
 * omit the row). `unresolved` cells may be null or the true value, never another number.
 * New case: `npx tsx scripts/capture-golden.ts FILE NAME`, then review expected.json by hand.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseDocument } from "../../src/report/parse.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const cases = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

interface Expected {
  year?: number | null;
  layout?: string | null;
  agency?: string | null;
  publishedAt?: string | null;
  activeDisclosure?: unknown;
  requests?: Record<string, (number | null)[]> | null;
  reviewLitigation?: unknown;
  unresolved?: { cells: string[] };
  /** Rule ids that must be among the findings (known anomalies, honest nulls). */
  mustFlag?: string[];
  /** A clean report: no error, and no warning beyond parse.* and `allowedWarnings`. */
  clean?: boolean;
  allowedWarnings?: string[];
}

/** Walk expected vs actual; collect mismatches as "path: want X, got Y". */
function compare(want: unknown, got: unknown, at: string, unresolved: Set<string>, out: string[]): void {
  if (want === null) {
    if (got !== null && got !== undefined) out.push(`${at}: want null, got ${JSON.stringify(got)}`);
    return;
  }
  if (typeof want === "number") {
    const ok = typeof got === "number" && Math.abs(got - want) < 1e-9;
    if (!ok && !(unresolved.has(at) && got === null)) out.push(`${at}: want ${want}, got ${JSON.stringify(got)}`);
    return;
  }
  if (Array.isArray(want)) {
    if (!Array.isArray(got)) {
      // A row absent from the output is fine only when every expected cell is null.
      if (!(want.every((w) => w === null) && got === undefined)) out.push(`${at}: want ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
      return;
    }
    want.forEach((w, i) => compare(w, got[i], `${at}[${i}]`, unresolved, out));
    return;
  }
  if (typeof want === "object") {
    const g = (got ?? undefined) as Record<string, unknown> | undefined;
    if (g === undefined) {
      out.push(`${at}: missing`);
      return;
    }
    for (const [k, w] of Object.entries(want as Record<string, unknown>)) compare(w, g[k], `${at}.${k}`, unresolved, out);
    return;
  }
  if (want !== got) out.push(`${at}: want ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
}

describe("golden reports", () => {
  it("has cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(11);
  });
  for (const name of cases) {
    it(name, async () => {
      const dir = path.join(here, name);
      const src = readdirSync(dir).find((f) => f.startsWith("source."));
      expect(src, "source.<ext> present").toBeDefined();
      const expected = JSON.parse(readFileSync(path.join(dir, "expected.json"), "utf8")) as Expected;
      const out = await parseDocument({ source: name, bytes: new Uint8Array(readFileSync(path.join(dir, src as string))) });
      if (!out.ok) throw new Error(`${name}: ${out.error.code} ${out.error.message}`);
      const r = out.report;
      const problems: string[] = [];
      const unresolved = new Set(expected.unresolved?.cells ?? []);
      for (const key of ["year", "layout", "agency", "publishedAt"] as const) {
        if (key in expected && expected[key] !== r[key]) problems.push(`${key}: want ${expected[key]}, got ${r[key]}`);
      }
      compare(expected.activeDisclosure, r.activeDisclosure, "activeDisclosure", unresolved, problems);
      if (expected.requests === null) {
        if (r.requests !== null) problems.push("requests: want null (table missing)");
      } else compare(expected.requests, r.requests, "requests", unresolved, problems);
      compare(expected.reviewLitigation, r.reviewLitigation, "reviewLitigation", unresolved, problems);
      for (const rule of expected.mustFlag ?? []) if (!r.findings.some((f) => f.rule === rule)) problems.push(`finding ${rule} missing`);
      if (expected.clean) {
        const allowed = new Set(expected.allowedWarnings ?? []);
        for (const f of r.findings) {
          if (f.severity === "error" || (f.severity === "warning" && !f.rule.startsWith("parse.") && !allowed.has(f.rule))) problems.push(`false alarm ${f.rule}: ${f.message}`);
        }
      }
      expect(problems).toEqual([]);
      // Unresolved cells must be explained by a parser finding, never silently empty.
      if (unresolved.size > 0) expect(r.findings.some((f) => f.rule.startsWith("parse."))).toBe(true);
    });
  }
});
