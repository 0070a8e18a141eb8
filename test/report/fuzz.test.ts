/**
 * Property/fuzz test: truncated, shuffled and random inputs (strings and bytes) → parseDocument
 * always resolves to ok or a typed error, never rejects, and the heap does not run away.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDocument, type ParseErrorCode } from "../../src/report/parse.js";
import { Report } from "../../src/report/schema.js";

const golden = path.resolve("test/golden");
const sources = readdirSync(golden, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => readdirSync(path.join(golden, d.name)).filter((f) => f.startsWith("source.")).map((f) => path.join(golden, d.name, f)));
const textual = sources.filter((f) => !f.endsWith(".pdf")).map((f) => new Uint8Array(readFileSync(f)));
const pdfs = sources.filter((f) => f.endsWith(".pdf")).map((f) => new Uint8Array(readFileSync(f)));
const CODES: ParseErrorCode[] = ["empty", "binary", "too-large", "not-a-report", "unsupported", "legacy-doc", "corrupt"];
const HEAP_BOUND = 200 * 1024 * 1024;

async function check(bytes: Uint8Array): Promise<void> {
  const out = await parseDocument({ source: "fuzz", bytes });
  if (out.ok) expect(Report.safeParse(out.report).success).toBe(true);
  else {
    expect(CODES).toContain(out.error.code);
    expect(out.error.message.length).toBeGreaterThan(0);
  }
}

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe("parseDocument never throws", () => {
  const heap0 = process.memoryUsage().heapUsed;

  it("truncated corpus documents", async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: textual.length - 1 }), fc.double({ min: 0, max: 1, noNaN: true }), async (i, frac) => {
        const b = textual[i] as Uint8Array;
        await check(b.subarray(0, Math.floor(b.length * frac)));
      }),
      { numRuns: 120 },
    );
  });

  it("line-shuffled corpus documents", async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: textual.length - 1 }), fc.integer(), async (i, seed) => {
        const lines = new TextDecoder().decode(textual[i]).split("\n");
        let s = seed >>> 0;
        for (let k = lines.length - 1; k > 0; k--) {
          s = (s * 1103515245 + 12345) >>> 0;
          const j = s % (k + 1);
          [lines[k], lines[j]] = [lines[j] as string, lines[k] as string];
        }
        await check(enc(lines.join("\n")));
      }),
      { numRuns: 60 },
    );
  });

  it("random strings, including table-like digit soup", async () => {
    const digitSoup = fc.array(fc.constantFrom("0", "1", "9", " ", "\t", "|", "\n", "/", "—", ".", "一、本年新收", "（七）总计", "行政复议", "规章", "第二十条第（一）项", "三、", "五、"), { maxLength: 400 }).map((a) => a.join(""));
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 2000 }), fc.string({ unit: "binary", maxLength: 500 }), digitSoup), async (s) => {
        await check(enc(s));
      }),
      { numRuns: 250 },
    );
  });

  it("random bytes, bare and behind PDF / ZIP / DOC magic", async () => {
    const magic = fc.constantFrom(new Uint8Array(), enc("%PDF-1.4\n"), new Uint8Array([0x50, 0x4b, 0x03, 0x04]), new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), enc("<html><table><tr><td>"));
    await fc.assert(
      fc.asyncProperty(magic, fc.uint8Array({ maxLength: 4000 }), async (m, body) => {
        const b = new Uint8Array(m.length + body.length);
        b.set(m);
        b.set(body, m.length);
        await check(b);
      }),
      { numRuns: 150 },
    );
  });

  it("truncated PDFs", async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: pdfs.length - 1 }), fc.double({ min: 0, max: 1, noNaN: true }), async (i, frac) => {
        const b = pdfs[i] as Uint8Array;
        await check(b.subarray(0, Math.floor(b.length * frac)));
      }),
      { numRuns: 8 },
    );
  });

  it("a long squashed table and a huge single line stay bounded", async () => {
    await check(enc(`年度报告 政府信息公开\n三、收到和处理政府信息公开申请情况一、本年新收政府信息公开申请数量${"1".repeat(5000)}二、上年结转${"0".repeat(60)}`));
    await check(enc(`政府信息公开年度报告${"规章0 ".repeat(200_000)}`));
  });

  it("keeps heap growth under the bound", () => {
    (globalThis as { gc?: () => void }).gc?.();
    expect(process.memoryUsage().heapUsed - heap0).toBeLessThan(HEAP_BOUND);
  });
});
