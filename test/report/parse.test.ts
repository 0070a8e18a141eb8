import { describe, expect, it } from "vitest";
import { MAX_INPUT_BYTES, parseDocument } from "../../src/report/parse.js";
import { Report } from "../../src/report/schema.js";
import { renderMarkdown, SAMPLE_2021, zipStored } from "./support/fixtures.js";

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe("parseDocument errors are typed values", () => {
  it("empty input", async () => {
    expect(await parseDocument({ source: "a", bytes: new Uint8Array() })).toMatchObject({ ok: false, error: { code: "empty" } });
    expect(await parseDocument({ source: "a", bytes: utf8(" \n\t ") })).toMatchObject({ ok: false, error: { code: "empty" } });
  });

  it("binary junk, a non-Word zip", async () => {
    const junk = new Uint8Array(5000).map((_, i) => (i * 131) % 256);
    expect(await parseDocument({ source: "a", bytes: junk })).toMatchObject({ ok: false, error: { code: "binary" } });
    expect(await parseDocument({ source: "a.zip", bytes: zipStored({ "x.txt": "hi" }) })).toMatchObject({ ok: false, error: { code: "binary" } });
  });

  it("legacy .doc is refused clearly", async () => {
    const doc = new Uint8Array(2048);
    doc.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    const out = await parseDocument({ source: "a.doc", bytes: doc });
    expect(out).toMatchObject({ ok: false, error: { code: "legacy-doc" } });
    expect(!out.ok && out.error.message).toMatch(/\.doc/);
  });

  it("too large (checked before any work)", async () => {
    const big = new Uint8Array(MAX_INPUT_BYTES + 1);
    expect(await parseDocument({ source: "big", bytes: big })).toMatchObject({ ok: false, error: { code: "too-large" } });
  });

  it("text that is not a report", async () => {
    expect(await parseDocument({ source: "a", bytes: utf8("今天天气很好，我们去公园散步。") })).toMatchObject({ ok: false, error: { code: "not-a-report" } });
  });

  it("a corrupt PDF and a corrupt DOCX", async () => {
    const pdf = await parseDocument({ source: "a.pdf", bytes: utf8("%PDF-1.4\n1 0 obj garbage") });
    expect(pdf.ok).toBe(false);
    expect(!pdf.ok && ["corrupt", "unsupported"]).toContain(!pdf.ok && pdf.error.code);
    const docx = await parseDocument({ source: "a.docx", bytes: zipStored({ "word/nothing.xml": "<x/>" }) });
    expect(docx).toMatchObject({ ok: false, error: { code: "corrupt" } });
  });

  it("every error message is one zh-CN line", async () => {
    for (const bytes of [new Uint8Array(), utf8("hello world"), new Uint8Array(300).fill(1)]) {
      const out = await parseDocument({ source: "x", bytes });
      expect(out.ok).toBe(false);
      if (!out.ok) {
        expect(out.error.message).not.toContain("\n");
        expect(out.error.message).toMatch(/[\u4e00-\u9fff]/);
      }
    }
  });
});

describe("parseDocument results", () => {
  it("returns a schema-valid report, the source as given and normalised text", async () => {
    const out = await parseDocument({ source: "./some/where.md", bytes: utf8(renderMarkdown(SAMPLE_2021)), publishedAt: "2024-01-30" });
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(Report.safeParse(out.report).success).toBe(true);
    expect(out.report.source).toBe("./some/where.md");
    expect(out.report.publishedAt).toBe("2024-01-30");
    expect(out.text).toContain("二、主动公开政府信息情况");
  });

  it("a truncated document keeps what it has: missing 表三 is null, not zeros", async () => {
    const full = renderMarkdown(SAMPLE_2021);
    const cut = full.slice(0, full.indexOf("## 三、"));
    const out = await parseDocument({ source: "cut.md", bytes: utf8(cut) });
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.report.requests).toBeNull();
    expect(out.report.reviewLitigation).toBeNull();
    expect(out.report.activeDisclosure).not.toBeNull();
  });

  it("blank, '/' and '—' cells are null; decimals are kept", async () => {
    const text = `示例局2022年政府信息公开工作年度报告
二、主动公开政府信息情况
第二十条第(一)项
信息内容\t本年制发件数\t本年废止件数\t现行有效件数
规章\t/\t—\t-
行政规范性文件\t3\t1\t20
第二十条第(八)项
行政事业性收费\t9116.36
三、收到和处理政府信息公开申请情况
一、本年新收政府信息公开申请数量\t5\t/\t/\t/\t/\t/\t5
二、上年结转政府信息公开申请数量\t\t\t\t\t\t\t
五、存在的主要问题及改进情况`;
    const out = await parseDocument({ source: "x.txt", bytes: utf8(text) });
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    const ad = out.report.activeDisclosure;
    expect(ad && "made" in ad.regulations ? ad.regulations : null).toEqual({ made: null, repealed: null, valid: null });
    expect(ad && "fees" in ad && typeof ad.fees === "number" ? ad.fees : null).toBe(9116.36);
    expect(out.report.requests?.newReceived).toEqual([5, null, null, null, null, null, 5]);
  });

  it("a squashed row that cannot be split uniquely is null with a parse.gluedAmbiguous warning", async () => {
    const text = `示例局2022年政府信息公开工作年度报告
二、主动公开政府信息情况第二十条第(一)项信息内容本年制发件数本年废止件数现行有效件数规章000行政规范性文件898989第二十条第(五)项
三、收到和处理政府信息公开申请情况一、本年新收政府信息公开申请数量801000081二、上年结转政府信息公开申请数量0000000
五、存在的主要问题及改进情况`;
    const out = await parseDocument({ source: "x.txt", bytes: utf8(text) });
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    const ad = out.report.activeDisclosure;
    expect(ad && "made" in ad.normativeDocuments ? ad.normativeDocuments : null).toEqual({ made: null, repealed: null, valid: null });
    expect(ad && "made" in ad.regulations ? ad.regulations : null).toEqual({ made: 0, repealed: 0, valid: 0 });
    expect(out.report.requests?.newReceived).toEqual([80, 1, 0, 0, 0, 0, 81]);
    const f = out.report.findings.find((x) => x.rule === "parse.gluedAmbiguous");
    expect(f?.severity).toBe("warning");
    expect(f?.message).toContain("898989");
  });
});

describe("what counts as a report", () => {
  it("a portal list page that only links to 年报 is not a report", async () => {
    const html = `<html><head><title>政府信息公开年报 - 示例市人民政府</title></head><body><ul>
      <li><a href="a.html">示例市2023年政府信息公开工作年度报告</a> 2024-01-20</li>
      <li><a href="b.html">示例市2022年政府信息公开工作年度报告</a> 2023-01-19</li></ul>
      <p>政府信息公开 | 主动公开 | 依申请公开</p></body></html>`;
    const out = await parseDocument({ source: "list.html", bytes: utf8(html) });
    // A list names several years and has no tables: at best a titled shell, never tables from links.
    if (out.ok) {
      expect(out.report.requests).toBeNull();
      expect(out.report.activeDisclosure).toBeNull();
    } else expect(out.error.code).toBe("not-a-report");
  });

  it("a titled report without tables is still a report (the rules flag the missing tables)", async () => {
    const out = await parseDocument({ source: "t.txt", bytes: utf8("示例局2022年政府信息公开工作年度报告\n一、总体情况\n本年度主动公开政府信息100条。") });
    expect(out.ok).toBe(true);
    if (out.ok) expect(out.report.year).toBe(2022);
  });
});

describe("PDF without a text layer", () => {
  it("is 'unsupported' with a clear message (scanned reports)", async () => {
    const objs = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"];
    let pdf = "%PDF-1.4\n";
    const offs: number[] = [];
    objs.forEach((o, i) => {
      offs.push(pdf.length);
      pdf += `${i + 1} 0 obj\n${o}\nendobj\n`;
    });
    const x = pdf.length;
    pdf += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offs.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${x}\n%%EOF\n`;
    const out = await parseDocument({ source: "blank.pdf", bytes: utf8(pdf) });
    expect(out).toMatchObject({ ok: false, error: { code: "unsupported" } });
    expect(!out.ok && out.error.message).toContain("扫描件");
  });
});
