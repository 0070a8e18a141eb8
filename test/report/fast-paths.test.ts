/**
 * The parser's hand-written fast paths (bench/parse.ts) against the plain forms they replace:
 * same answers on arbitrary input, so the speed-up changes no output.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { charsetFromMeta, latin1 } from "../../src/report/extract/charset.js";
import { looksTraditional } from "../../src/report/extract/normalise.js";
import { detectKind } from "../../src/report/extract/detect.js";
import { dropNoiseLines } from "../../src/report/extract/text.js";
import { isPart, PART } from "../../src/report/glued.js";
import { tokens } from "../../src/report/layouts/scan.js";
import { compact, headLines, lines } from "../../src/report/rules/text.js";

const TRAD = "國開報關務與發處體請況縣辦條項規機構區實這個會為統計數過產當時間們應對見題鄉鎮復訴訟議結轉總權護認據經濟環進標準責審齊從資";
const TRAD_RE = new RegExp(`[${TRAD}]`, "g");
/** The regex form looksTraditional replaced. */
function looksTraditionalRe(s: string): boolean {
  return (s.slice(0, 20_000).match(TRAD_RE) ?? []).length >= 3;
}

const chars = (alphabet: string, maxLength = 40): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...alphabet), { maxLength }).map((a) => a.join(""));
const pieces = (ps: string[], maxLength = 30): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...ps), { maxLength }).map((a) => a.join(""));

describe("fast paths agree with the plain forms", () => {
  it("isPart ≡ PART.test(slice)", () => {
    fc.assert(
      fc.property(chars("0123456789.", 14), fc.nat(14), fc.nat(14), (s, x, y) => {
        const a = Math.min(x, y, s.length);
        const b = Math.min(Math.max(x, y), s.length);
        if (a === b) return;
        expect(isPart(s, a, b)).toBe(PART.test(s.slice(a, b)));
      }),
      { numRuns: 3000 },
    );
  });

  it("looksTraditional (lookup table) ≡ the regex count", () => {
    fc.assert(
      fc.property(chars(`${TRAD.slice(0, 12)}政府信息公开年度报告 a1`, 60), (s) => {
        expect(looksTraditional(s)).toBe(looksTraditionalRe(s));
      }),
      { numRuns: 2000 },
    );
    // Only the first 20,000 characters count.
    expect(looksTraditional(`${"政".repeat(20_000)}國開報`)).toBe(false);
    expect(looksTraditional(`${"政".repeat(19_997)}國開報`)).toBe(true);
  });

  it("latin1 ≡ one character per byte; <meta> charset found in either form", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        expect(latin1(b)).toBe(Array.from(b, (x) => String.fromCharCode(x)).join(""));
      }),
    );
    const meta = new TextEncoder().encode('<html><head>\u0085<meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>');
    expect(charsetFromMeta(meta)).toBe("gb18030");
    const sub = new Uint8Array([0x80, 0x9f, ...new TextEncoder().encode("<meta charset=utf-8>")]).subarray(2);
    expect(charsetFromMeta(sub)).toBe("utf-8");
  });

  it("tokens: numbers are exactly the tokens with a digit", () => {
    fc.assert(
      fc.property(chars("0123456789./-—–－∅ 。a", 30), (run) => {
        for (const t of tokens(run)) {
          expect(t.kind === "num").toBe(/\d/.test(t.raw));
          if (t.kind === "num") expect(t.value).toBe(Number(t.raw));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("headLines ≡ lines().slice; compact ≡ the joined lines without whitespace", () => {
    const text = pieces(["\n", "\r\n", "\r", " ", "- 3 -", "—12—", "收到申请", "12件", "。", "\u2028", "\u3000", "abc", "-", "5", "2024-01-03", "\t"]);
    fc.assert(
      fc.property(text, fc.nat(20), (s, n) => {
        expect(headLines(s, n)).toEqual(lines(s).slice(0, n));
        expect(compact(s)).toBe(lines(s).join("\n").replace(/[\s\u3000\u00a0]+/g, ""));
      }),
      { numRuns: 3000 },
    );
  });

  it("dropNoiseLines ≡ splitting and filtering every line", () => {
    // The line patterns of extract/text.ts, applied the plain way.
    const RULE_ROW = /^[\s|:+]*-{3,}[\s|:+-]*$/;
    const PAGE_NO = /^\s*(?:[-—–]\s*\d{1,3}\s*[-—–]|第\s*\d{1,3}\s*页(?:\s*[,/]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*\/\s*\d{1,3})\s*$/;
    const text = pieces(["\n", " ", "- 3 -", "—12—", "第", "3", "页", "共", "/", "|", "-", "---", ":", "+", "收到申请12件", "2021/12/31", "2024-01-03", "\t", "\r", "\u3000"]);
    fc.assert(
      fc.property(text, (s) => {
        const plain = s.split("\n").filter((l) => !PAGE_NO.test(l) && !RULE_ROW.test(l)).join("\n");
        expect(dropNoiseLines(s)).toBe(plain);
      }),
      { numRuns: 3000 },
    );
  });

  it("binary detection ≡ counting control bytes in the first 4 KB", () => {
    const plainBinary = (b: Uint8Array): boolean => {
      const end = Math.min(b.length, 4096);
      if (end === 0 || (b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff)) return false;
      let ctrl = 0;
      for (let i = 0; i < end; i++) {
        const c = b[i] as number;
        if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c && c !== 0x1b) ctrl++;
      }
      return ctrl / end > 0.02;
    };
    // Printable text with a sprinkle of control bytes around the 2% threshold.
    const bytes = fc.array(fc.oneof({ weight: 30, arbitrary: fc.integer({ min: 0x20, max: 0xff }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x1f }) }), { maxLength: 300 });
    fc.assert(
      fc.property(bytes, (xs) => {
        const b = Uint8Array.from(xs);
        expect(detectKind(b, null, "x.txt") === "binary").toBe(plainBinary(b));
      }),
      { numRuns: 2000 },
    );
  });
});
