import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { escapeHtml, splitMessage, TELEGRAM_LIMIT, visibleLength } from "../../src/render/format.js";
import { parseTelegramHtml } from "../support/telegram-emulator.js";

const plain = (parts: string[]): string => parts.map((p) => parseTelegramHtml(p).text).join("").replace(/\n/g, "");

describe("escapeHtml", () => {
  it("escapes the four characters Telegram HTML knows, so hostile names stay text", () => {
    const hostile = `<b>局</b>&amp; "x" <a href="javascript:1">`;
    const esc = escapeHtml(hostile);
    expect(esc).toBe("&lt;b&gt;局&lt;/b&gt;&amp;amp; &quot;x&quot; &lt;a href=&quot;javascript:1&quot;&gt;");
    expect(parseTelegramHtml(esc).text).toBe(hostile);
    expect(parseTelegramHtml(esc).entities).toEqual([]);
  });
});

describe("splitMessage", () => {
  it("keeps short input as one message joined by newlines", () => {
    expect(splitMessage(["a", "<b>b</b>", "c"])).toEqual(["a\n<b>b</b>\nc"]);
  });

  it("splits only between blocks when blocks fit", () => {
    const blocks = Array.from({ length: 300 }, (_, i) => `<b>第${i}行</b> ${escapeHtml("<局>&")} ${"数".repeat(20)}`);
    const parts = splitMessage(blocks);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(TELEGRAM_LIMIT);
    // Every block survives whole in exactly one part.
    const rejoined = parts.join("\n").split("\n");
    expect(rejoined).toEqual(blocks);
  });

  it("cuts an over-long block at lines, then outside tags and entities, reopening open tags", () => {
    const big = `<b>${"长".repeat(5000)}\n${"短&amp;".repeat(2000)}</b>`;
    const parts = splitMessage(["head", big, "tail"], 4096);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(4096);
      expect(() => parseTelegramHtml(p)).not.toThrow();
    }
    expect(plain(parts)).toBe(plain(["head", big, "tail"]));
  });

  it("property: parts fit the limit, stay valid HTML and lose no visible text", () => {
    const piece = fc.oneof(
      fc.string({ maxLength: 40 }).map(escapeHtml),
      fc.constantFrom("年报", "&amp;", "&lt;", "\n", "😀", "表三"),
      fc.string({ maxLength: 30 }).map((s) => `<b>${escapeHtml(s)}</b>`),
      fc.string({ maxLength: 30 }).map((s) => `<i>${escapeHtml(s)}\n<code>${escapeHtml(s)}</code></i>`),
    );
    const block = fc.array(piece, { maxLength: 40 }).map((xs) => xs.join(""));
    fc.assert(
      fc.property(fc.array(block, { maxLength: 30 }), fc.integer({ min: 64, max: 400 }), (blocks, limit) => {
        const parts = splitMessage(blocks, limit);
        for (const p of parts) {
          expect(p.length).toBeLessThanOrEqual(limit);
          parseTelegramHtml(p);
          expect(visibleLength(p)).toBe(parseTelegramHtml(p).text.length);
        }
        expect(plain(parts)).toBe(plain(blocks.length ? [blocks.join("\n")] : []));
      }),
      { numRuns: 300 },
    );
  });
});
