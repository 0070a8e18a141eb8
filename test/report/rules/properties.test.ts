/** Property tests: consistent tables never get arithmetic errors; one changed cell always does. */
import fc from "fast-check";
import { describe, it } from "vitest";
import { checkReport } from "../../../src/report/rules/index.js";
import { REQUEST_ROW_KEYS } from "../../../src/report/schema.js";
import type { Report, RequestRowKey, Requests } from "../../../src/report/schema.js";
import { cleanReport, cleanText, errors } from "./helpers.js";

const RESULT_KEYS: RequestRowKey[] = REQUEST_ROW_KEYS.filter(
  (k) => !["newReceived", "carriedOver", "total", "carriedForward", "otherHandling"].includes(k),
);
const ARITH = new Set(["t3.balance", "t3.resultsSum", "t3.applicantSum", "t4.blockSum"]);

const cell = fc.nat({ max: 500 });
const row6 = fc.array(cell, { minLength: 6, maxLength: 6 });

/** A random but internally consistent 表三 + 表四. */
const consistent = fc
  .record({
    results: fc.array(row6, { minLength: RESULT_KEYS.length, maxLength: RESULT_KEYS.length }),
    carriedOver: row6,
    carriedForward: row6,
    review: fc.array(cell, { minLength: 4, maxLength: 4 }),
  })
  .map(({ results, carriedOver, carriedForward, review }) => {
    const req: Requests = {};
    const withTotal = (r: number[]) => [...r, r.reduce((a, b) => a + b, 0)];
    RESULT_KEYS.forEach((k, i) => (req[k] = withTotal(results[i]!)));
    const handled = [0, 1, 2, 3, 4, 5].map((c) => results.reduce((a, r) => a + r[c]!, 0));
    req.total = withTotal(handled);
    req.carriedOver = withTotal(carriedOver);
    req.carriedForward = withTotal(carriedForward);
    // 一 = (七) + 四 − 二, kept non-negative by raising 四 where needed.
    const newReceived = handled.map((h, c) => h + carriedForward[c]! - carriedOver[c]!);
    if (newReceived.some((v) => v < 0)) {
      req.carriedOver = withTotal(carriedOver.map(() => 0));
      req.newReceived = withTotal(handled.map((h, c) => h + carriedForward[c]!));
    } else req.newReceived = withTotal(newReceived);
    const rl = { review: [...review, review.reduce((a, b) => a + b, 0)], litigationDirect: [0, 0, 0, 0, 0], litigationAfterReview: [1, 0, 0, 0, 1] };
    return cleanReport({ requests: req, reviewLitigation: rl });
  });

const arith = (r: Report) => errors(checkReport({ report: r, text: cleanText() })).filter((f) => ARITH.has(f.rule));

describe("properties", () => {
  it("a consistent table gets no arithmetic error", () => {
    fc.assert(fc.property(consistent, (r) => arith(r).length === 0), { numRuns: 200 });
  });

  it("changing any one cell of 表三 by a non-zero amount is caught", () => {
    const keys = [...RESULT_KEYS, "newReceived", "carriedOver", "total", "carriedForward"] as RequestRowKey[];
    fc.assert(
      fc.property(consistent, fc.constantFrom(...keys), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 1, max: 50 }), (r, key, col, d) => {
        const row = r.requests![key]!;
        row[col] = (row[col] ?? 0) + d;
        return arith(r).length > 0;
      }),
      { numRuns: 300 },
    );
  });

  it("never throws on arbitrary (even schema-violating) input", () => {
    const anyCell = fc.oneof(fc.constant(null), fc.double({ noNaN: false }), fc.nat());
    const anyRow = fc.array(anyCell, { maxLength: 9 });
    const report = fc.record({
      source: fc.string(),
      title: fc.option(fc.string()),
      agency: fc.option(fc.string()),
      year: fc.option(fc.integer({ min: -5, max: 3000 })),
      layout: fc.constantFrom("2021", "2019", "pre-2019", null),
      activeDisclosure: fc.constant(null),
      requests: fc.option(fc.dictionary(fc.constantFrom(...REQUEST_ROW_KEYS), anyRow)),
      reviewLitigation: fc.option(fc.record({ review: anyRow, litigationDirect: anyRow, litigationAfterReview: anyRow })),
      findings: fc.constant([]),
    });
    fc.assert(
      fc.property(report, fc.string({ maxLength: 400 }), fc.option(fc.string()), (r, text, publishedAt) => {
        const fs = checkReport({ report: r as unknown as Report, text, publishedAt });
        return Array.isArray(fs) && fs.every((f) => typeof f.message === "string" && typeof f.messageEn === "string");
      }),
      { numRuns: 300 },
    );
  });
});
