import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { canonicalCharset, charsetFromMeta } from "../../src/report/extract/charset.js";
import { decodeBytes } from "../../src/report/parse.js";

const gbk = (s: string): Uint8Array => new Uint8Array(iconv.encode(s, "gbk"));
const TEXT = "政府信息公开工作年度报告，统计期限";

describe("decodeBytes", () => {
  it("maps gb2312/gbk to gb18030", () => {
    expect(canonicalCharset("GB2312")).toBe("gb18030");
    expect(canonicalCharset("gbk")).toBe("gb18030");
    expect(canonicalCharset("utf8")).toBe("utf-8");
    expect(canonicalCharset("no-such-charset")).toBeNull();
  });

  it("uses the Content-Type charset", () => {
    expect(decodeBytes(gbk(TEXT), "text/html; charset=GBK")).toBe(TEXT);
  });

  it("uses <meta charset> and <meta http-equiv> when the header says nothing", () => {
    const a = gbk(`<html><head><meta charset="gb2312"></head><body>${TEXT}</body></html>`);
    expect(charsetFromMeta(a)).toBe("gb18030");
    expect(decodeBytes(a)).toContain(TEXT);
    const b = gbk(`<meta http-equiv="Content-Type" content="text/html; charset=gb2312"><p>${TEXT}</p>`);
    expect(decodeBytes(b, "text/html")).toContain(TEXT);
  });

  it("skips a header that claims UTF-8 for GBK bytes (lying header)", () => {
    const b = gbk(`<meta charset="gbk"><p>${TEXT}</p>`);
    expect(decodeBytes(b, "text/html; charset=utf-8")).toContain(TEXT);
  });

  it("honours a UTF-8 BOM and strips it", () => {
    const b = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(TEXT)]);
    expect(decodeBytes(b, "text/plain; charset=gbk")).toBe(TEXT);
  });

  it("sniffs: valid UTF-8 stays UTF-8, anything else is gb18030", () => {
    expect(decodeBytes(new TextEncoder().encode(TEXT))).toBe(TEXT);
    expect(decodeBytes(gbk(TEXT))).toBe(TEXT);
  });
});
