/**
 * Writes the constructed golden cases (shapes the corpus lacks) into test/golden/constructed-*:
 * the source rendered from the data objects in fixtures.ts, and expected.json written from the
 * SAME data objects (never from parser output). Re-run after changing fixtures:
 *   npx tsx test/report/support/make-constructed-golden.ts
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import iconv from "iconv-lite";
import { REQUEST_ROWS, type RequestRowKey } from "../../../src/report/schema.js";
import { buildDocx, PRE_2019_TEXT, renderHtml2019, renderHtml2021, renderMarkdown, SAMPLE_2019, SAMPLE_2021, sampleDocxBlocks, T3_2019 } from "./fixtures.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../golden");

const d = SAMPLE_2021;
const expected2021 = {
  _comment: "Constructed case: expected values are the data the source was rendered from (test/report/support/fixtures.ts).",
  year: d.year,
  layout: "2021",
  agency: d.agency,
  activeDisclosure: {
    regulations: { made: d.t2.regulations[0], repealed: d.t2.regulations[1], valid: d.t2.regulations[2] },
    normativeDocuments: { made: d.t2.normativeDocuments[0], repealed: d.t2.normativeDocuments[1], valid: d.t2.normativeDocuments[2] },
    licensing: d.t2.licensing,
    punishment: d.t2.punishment,
    coercion: d.t2.coercion,
    fees: d.t2.fees,
  },
  requests: d.t3,
  reviewLitigation: { review: d.t4.slice(0, 5), litigationDirect: d.t4.slice(5, 10), litigationAfterReview: d.t4.slice(10, 15) },
};

const e = SAMPLE_2019;
const zero = [0, 0, 0, 0, 0, 0, 0];
const requests2019 = Object.fromEntries(
  (Object.keys(REQUEST_ROWS) as RequestRowKey[]).filter((k) => !k.startsWith("other_")).map((k) => [k, T3_2019[k] ?? zero]),
);
const expected2019 = {
  _comment: expected2021._comment,
  year: e.year,
  layout: "2019",
  agency: e.agency,
  publishedAt: "2020-03-18",
  activeDisclosure: {
    regulations: { newMade: e.t2.regulations[0], newPublished: e.t2.regulations[1], totalPublic: e.t2.regulations[2] },
    normativeDocuments: { newMade: e.t2.normativeDocuments[0], newPublished: e.t2.normativeDocuments[1], totalPublic: e.t2.normativeDocuments[2] },
    licensing: { prevYearItems: e.t2.licensing[0], change: e.t2.licensing[1], decisions: e.t2.licensing[2] },
    otherServices: { prevYearItems: e.t2.otherServices[0], change: e.t2.otherServices[1], decisions: e.t2.otherServices[2] },
    punishment: { prevYearItems: e.t2.punishment[0], change: e.t2.punishment[1], decisions: e.t2.punishment[2] },
    coercion: { prevYearItems: e.t2.coercion[0], change: e.t2.coercion[1], decisions: e.t2.coercion[2] },
    fees: { prevYearItems: e.t2.fees[0], change: e.t2.fees[1] },
    procurement: { projects: e.t2.procurement[0], amount: e.t2.procurement[1] },
  },
  requests: requests2019,
  reviewLitigation: { review: e.t4.slice(0, 5), litigationDirect: e.t4.slice(5, 10), litigationAfterReview: e.t4.slice(10, 15) },
};

const cases: [string, string, Uint8Array | string, object][] = [
  ["constructed-gbk-html", "source.html", new Uint8Array(iconv.encode(renderHtml2021(d, { metaCharset: "gb2312" }), "gbk")), expected2021],
  ["constructed-docx", "source.docx", buildDocx(sampleDocxBlocks(d)), expected2021],
  ["constructed-markdown", "source.md", renderMarkdown(d), expected2021],
  ["constructed-2019-html", "source.html", renderHtml2019(e), expected2019],
  ["constructed-pre-2019", "source.txt", PRE_2019_TEXT, { _comment: expected2021._comment, year: 2015, layout: "pre-2019", agency: "示例区人民政府", activeDisclosure: null, requests: null, reviewLitigation: null }],
];

for (const [name, file, bytes, expected] of cases) {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, file), bytes);
  writeFileSync(path.join(dir, "expected.json"), `${JSON.stringify(expected, null, 1)}\n`);
  console.log(dir);
}
