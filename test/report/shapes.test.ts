/**
 * Shape harness as property tests: random consistent reports (row sums, column sums, balance,
 * 表四 block sums) rendered in every shape of scripts/shapes.ts parse to the same cells — or to
 * an honest null with a parse.* finding — and never to a wrong number. The golden reports go
 * through the same shapes (scripts/shape-harness.ts prints the figures).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { goldenReports, tally } from "../../scripts/shape-harness.js";
import { SHAPES, T3, type ShapeReport } from "../../scripts/shapes.js";

const cell = fc.nat({ max: 40 });
const applicantRow = fc.array(cell, { minLength: 6, maxLength: 6 }).map((a) => [...a, a.reduce((x, y) => x + y, 0)]);
const block = fc.array(cell, { minLength: 4, maxLength: 4 }).map((a) => [...a, a.reduce((x, y) => x + y, 0)]);

const report: fc.Arbitrary<ShapeReport> = fc
  .record({
    results: fc.array(applicantRow, { minLength: 21, maxLength: 21 }),
    carriedOver: applicantRow,
    forward: applicantRow,
    t2: fc.array(fc.nat({ max: 5000 }), { minLength: 10, maxLength: 10 }),
    t4: fc.array(block, { minLength: 3, maxLength: 3 }),
  })
  .map(({ results, carriedOver, forward, t2, t4 }) => {
    const total = [0, 1, 2, 3, 4, 5, 6].map((i) => results.reduce((s, r) => s + (r[i] as number), 0));
    // 一 = 三(七) + 四 − 二 must stay non-negative: take 二 as at most 三(七) + 四.
    const co = carriedOver.map((v, i) => Math.min(v, (total[i] as number) + (forward[i] as number)));
    co[6] = co.slice(0, 6).reduce((a, b) => a + b, 0);
    const newReceived = total.map((t, i) => t + (forward[i] as number) - (co[i] as number));
    const requests: Record<string, number[]> = { newReceived, carriedOver: co };
    T3.slice(2, 23).forEach(([, k], i) => (requests[k] = results[i] as number[]));
    requests.total = total;
    requests.carriedForward = forward;
    return {
      agency: "示例县人民政府办公室",
      year: 2022,
      activeDisclosure: {
        regulations: { made: t2[0] ?? 0, repealed: t2[1] ?? 0, valid: t2[2] ?? 0 },
        normativeDocuments: { made: t2[3] ?? 0, repealed: t2[4] ?? 0, valid: t2[5] ?? 0 },
        licensing: t2[6] ?? 0,
        punishment: t2[7] ?? 0,
        coercion: t2[8] ?? 0,
        fees: t2[9] ?? 0,
      },
      requests,
      reviewLitigation: { review: t4[0] as number[], litigationDirect: t4[1] as number[], litigationAfterReview: t4[2] as number[] },
    };
  });

describe("shape harness", () => {
  for (const shape of SHAPES) {
    it(`${shape}: same cells or an honest null, never a wrong number`, async () => {
      await fc.assert(
        fc.asyncProperty(report, async (r) => {
          const t = await tally(r, shape);
          expect(t.notes.filter((n) => !n.includes("null with no parse"))).toEqual([]);
          expect(t.wrong).toBe(0);
          expect(t.silentNull).toBe(0);
          if (shape !== "squashed") expect(t.honestNull).toBe(0);
        }),
        { numRuns: 15 },
      );
    });
  }

  it("every golden report reads the same in every shape (squashed may leave honest nulls)", async () => {
    for (const { report } of goldenReports()) {
      for (const shape of SHAPES) {
        const t = await tally(report, shape);
        expect({ shape, wrong: t.wrong, silent: t.silentNull }).toEqual({ shape, wrong: 0, silent: 0 });
        if (shape !== "squashed") expect(t.honestNull).toBe(0);
      }
    }
  });
});
