import { describe, expect, it } from "vitest";
import { detectKind } from "../../src/report/parse.js";
import { zipStored } from "./support/fixtures.js";

const b = (s: string): Uint8Array => new TextEncoder().encode(s);

describe("detectKind", () => {
  it("recognises magic bytes", () => {
    expect(detectKind(b("%PDF-1.7\n…"))).toBe("pdf");
    expect(detectKind(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]))).toBe("doc");
    expect(detectKind(zipStored({ "word/document.xml": "<w:document/>" }))).toBe("docx");
    expect(detectKind(zipStored({ "data.csv": "a,b" }))).toBe("binary");
  });

  it("tells HTML from text by content, header and extension", () => {
    expect(detectKind(b("  <!DOCTYPE html><html>"))).toBe("html");
    expect(detectKind(b("<table><tr><td>1</td></tr></table>"))).toBe("html");
    expect(detectKind(b("政府信息公开"), "text/html; charset=utf-8")).toBe("html");
    expect(detectKind(b("政府信息公开"), null, "http://x.gov.cn/a/t2020.shtml")).toBe("html");
    expect(detectKind(b("政府信息公开\n一、总体情况"))).toBe("text");
  });

  it("calls control-byte junk binary", () => {
    const junk = new Uint8Array(1000).map((_, i) => (i * 7) % 32);
    expect(detectKind(junk)).toBe("binary");
  });
});
