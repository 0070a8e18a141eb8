/**
 * Constructed documents for shapes the corpus lacks: GBK HTML with <meta charset=gb2312>, a
 * real .docx, markdown pipe tables, a 2019-layout HTML page and a pre-2019 free-form report.
 * Each is rendered from a data object; the parse must give back exactly that data.
 */
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { parseDocument, type ParseOutcome } from "../../src/report/parse.js";
import type { ActiveDisclosure2019, ActiveDisclosure2021, Report } from "../../src/report/schema.js";
import { PRE_2019_TEXT, renderHtml2019, renderHtml2021, renderMarkdown, SAMPLE_2019, SAMPLE_2021, T3_2019, buildDocx, sampleDocxBlocks } from "./support/fixtures.js";

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

function ok(out: ParseOutcome): Report {
  if (!out.ok) throw new Error(`${out.error.code}: ${out.error.message}`);
  return out.report;
}

function expect2021(r: Report): void {
  const d = SAMPLE_2021;
  expect(r.layout).toBe("2021");
  expect(r.year).toBe(d.year);
  expect(r.agency).toBe(d.agency);
  const ad = r.activeDisclosure as ActiveDisclosure2021;
  expect([ad.regulations.made, ad.regulations.repealed, ad.regulations.valid]).toEqual(d.t2.regulations);
  expect([ad.normativeDocuments.made, ad.normativeDocuments.repealed, ad.normativeDocuments.valid]).toEqual(d.t2.normativeDocuments);
  expect([ad.licensing, ad.punishment, ad.coercion, ad.fees]).toEqual([d.t2.licensing, d.t2.punishment, d.t2.coercion, d.t2.fees]);
  for (const [k, row] of Object.entries(d.t3)) expect(r.requests?.[k as keyof typeof d.t3], k).toEqual(row);
  expect(r.requests?.otherHandling).toBeUndefined();
  const rl = r.reviewLitigation;
  expect([...(rl?.review ?? []), ...(rl?.litigationDirect ?? []), ...(rl?.litigationAfterReview ?? [])]).toEqual(d.t4);
}

describe("constructed documents", () => {
  it("reads GBK HTML declared by <meta charset=gb2312>, with spans and row/colspans", async () => {
    const html = renderHtml2021(SAMPLE_2021, { metaCharset: "gb2312" });
    const bytes = new Uint8Array(iconv.encode(html, "gbk"));
    // The bytes are not UTF-8: a decoder that ignored the meta would garble every label.
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes)).toThrow();
    const out = await parseDocument({ source: "gbk.html", bytes });
    expect(out.ok && out.kind).toBe("html");
    expect2021(ok(out));
  });

  it("reads GBK HTML served with a lying UTF-8 header", async () => {
    const bytes = new Uint8Array(iconv.encode(renderHtml2021(SAMPLE_2021, { metaCharset: "gbk" }), "gbk"));
    expect2021(ok(await parseDocument({ source: "http://127.0.0.1/x", bytes, contentType: "text/html; charset=utf-8" })));
  });

  it("reads a .docx through mammoth → HTML", async () => {
    const bytes = buildDocx(sampleDocxBlocks(SAMPLE_2021));
    const out = await parseDocument({ source: "report.docx", bytes });
    expect(out.ok && out.kind).toBe("docx");
    expect2021(ok(out));
  });

  it("reads markdown pipe tables (blank and '—' cells are null)", async () => {
    const out = await parseDocument({ source: "report.md", bytes: utf8(renderMarkdown(SAMPLE_2021)) });
    expect(out.ok && out.kind).toBe("text");
    expect2021(ok(out));
  });

  it("reads a 2019-layout HTML page: 表二 2019 keys, negative 增/减, (六) as otherHandling", async () => {
    const r = ok(await parseDocument({ source: "2019.html", bytes: utf8(renderHtml2019(SAMPLE_2019)) }));
    expect(r.layout).toBe("2019");
    expect(r.year).toBe(2019);
    expect(r.publishedAt).toBe("2020-03-18");
    const ad = r.activeDisclosure as ActiveDisclosure2019;
    expect(ad.format).toBe("2019");
    const d = SAMPLE_2019.t2;
    expect(ad.regulations).toEqual({ newMade: d.regulations[0], newPublished: d.regulations[1], totalPublic: d.regulations[2] });
    expect(ad.normativeDocuments).toEqual({ newMade: 12, newPublished: 12, totalPublic: 140 });
    expect(ad.licensing).toEqual({ prevYearItems: d.licensing[0], change: d.licensing[1], decisions: d.licensing[2] });
    expect(ad.otherServices.decisions).toBe(d.otherServices[2]);
    expect(ad.punishment.prevYearItems).toBe(d.punishment[0]);
    expect(ad.coercion.change).toBe(d.coercion[1]);
    expect(ad.fees).toEqual({ prevYearItems: d.fees[0], change: d.fees[1] });
    expect(ad.procurement).toEqual({ projects: d.procurement[0], amount: d.procurement[1] });
    for (const [k, row] of Object.entries(T3_2019)) expect(r.requests?.[k as keyof typeof T3_2019], k).toEqual(row);
    expect(r.requests?.other_other).toBeUndefined();
    expect(r.reviewLitigation?.review).toEqual(SAMPLE_2019.t4.slice(0, 5));
  });

  it("recognises a pre-2019 free-format report: layout pre-2019, no tables, an info finding", async () => {
    const r = ok(await parseDocument({ source: "2015.txt", bytes: utf8(PRE_2019_TEXT) }));
    expect(r.layout).toBe("pre-2019");
    expect(r.year).toBe(2015);
    expect(r.activeDisclosure).toBeNull();
    expect(r.requests).toBeNull();
    expect(r.reviewLitigation).toBeNull();
    expect(r.findings.find((f) => f.rule === "parse.preLayout")?.severity).toBe("info");
  });

  it("reads Traditional-Chinese, full-width text", async () => {
    const trad = renderMarkdown(SAMPLE_2021)
      .replace(/政府信息公开/g, "政府信息公開")
      .replace(/报告/g, "報告")
      .replace(/申请/g, "申請")
      .replace(/[0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    const out = await parseDocument({ source: "trad.txt", bytes: utf8(trad) });
    expect2021(ok(out));
    expect(out.ok && out.text).toContain("政府信息公开工作年度报告");
  });
});
