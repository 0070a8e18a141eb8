import { describe, expect, it } from "vitest";
import { BLANK, gridFromHtml, htmlToText } from "../../src/report/extract/html.js";

describe("HTML extraction", () => {
  it("expands rowspan/colspan into a rectangular grid", () => {
    const g = gridFromHtml(`<table>
      <tr><td rowspan="2">A</td><td colspan="2">B</td></tr>
      <tr><td>1</td><td>2</td></tr>
      <tr><td colspan="3">C</td></tr></table>`);
    expect(g).toEqual([
      ["A", "B", "B"],
      ["A", "1", "2"],
      ["C", "C", "C"],
    ]);
  });

  it("joins numbers split across spans and drops whitespace inside numeric cells", () => {
    const { text } = htmlToText(`<table><tr><td><span>20</span><span>23</span></td><td><p>1</p>
      <p>5</p></td><td>申请人情<span>况</span></td></tr></table>`);
    expect(text).toBe("2023\t15\t申请人情况");
  });

  it("marks blank cells in the scan but not in the text", () => {
    const out = htmlToText(`<p>标题</p><table><tr><td>x</td><td> </td><td>&nbsp;</td><td>3</td></tr></table>`);
    expect(out.text.split("\n")[1]).toBe("x\t\t\t3");
    expect(out.scan.split("\n")[1]).toBe(`x\t${BLANK}\t${BLANK}\t3`);
  });

  it("keeps paragraphs as lines and skips scripts and styles", () => {
    const out = htmlToText(`<html><head><title>T</title><style>p{}</style></head><body><p>一、总体情况</p><script>var a=1</script><div>二、<b>主动</b>公开</div></body></html>`);
    expect(out.text).toBe("一、总体情况\n二、主动公开");
    expect(out.htmlTitle).toBe("T");
  });
});

describe("HTML layout tables", () => {
  it("keeps the cells of a data table nested in a page-layout table", () => {
    const out = htmlToText(`<table><tr><td>导航</td><td><p>二、主动公开</p><table><tr><td>规章</td><td>0</td><td>1</td><td>2</td></tr></table></td></tr></table>`);
    expect(out.text.split("\n")).toEqual(["导航", "二、主动公开", "规章\t0\t1\t2"]);
  });
});

describe("HTML through parseDocument", () => {
  it("reads full-width digits split by spaces inside a cell", async () => {
    const { parseDocument } = await import("../../src/report/parse.js");
    const html = `<title>示例局2022年政府信息公开工作年度报告</title><p>二、主动公开政府信息情况</p><table>
      <tr><td colspan="4">第二十条第（一）项</td></tr><tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>
      <tr><td>规章</td><td>０</td><td>１</td><td>２ ６</td></tr></table>`;
    const out = await parseDocument({ source: "fw.html", bytes: new TextEncoder().encode(html) });
    expect(out.ok && out.report.activeDisclosure && "made" in out.report.activeDisclosure.regulations ? out.report.activeDisclosure.regulations : null).toEqual({ made: 0, repealed: 1, valid: 26 });
  });
});
