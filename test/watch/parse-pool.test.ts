import { describe, expect, it } from "vitest";
import { createParsePool } from "../../src/watch/parse-pool.js";
import { parseDocument } from "../../src/report/parse.js";
import { fixture, textArticle } from "../support/portal-server.js";

describe("parse pool (worker threads)", () => {
  it("gives the same outcome as parsing in-process, for many inputs at once", async () => {
    const pool = createParsePool({ size: 1 });
    try {
      const inputs = ["002.txt", "003.txt", "004.txt"].map((f) => ({
        source: `http://127.0.0.1/${f}.htm`,
        bytes: textArticle(fixture(f).toString("utf8")),
        contentType: "text/html",
        publishedAt: null,
      }));
      const pooled = await Promise.all(inputs.map((i) => pool.parse(i)));
      const local = await Promise.all(inputs.map((i) => parseDocument(i)));
      expect(pooled).toEqual(local);
      expect(pooled.every((o) => o.ok)).toBe(true);
      // The caller's bytes are not detached by the transfer.
      expect(inputs[0]!.bytes.length).toBeGreaterThan(0);
      const bad = await pool.parse({ source: "x.bin", bytes: new Uint8Array([0, 1, 2, 0, 0, 255]), contentType: null });
      expect(bad.ok).toBe(false);
    } finally {
      await pool.close();
    }
    const after = await pool.parse({ source: "x", bytes: new Uint8Array(1), contentType: null });
    expect(!after.ok && after.error.message).toMatch(/关闭/);
  });

  it("turns a parse that runs past the timeout into an error and keeps serving", async () => {
    const pool = createParsePool({ size: 1, timeoutMs: 1 });
    try {
      const o = await pool.parse({ source: "slow.pdf", bytes: fixture("hongze-2023.pdf"), contentType: "application/pdf" });
      expect(o.ok).toBe(false);
      expect(!o.ok && o.error.message).toMatch(/超时/);
    } finally {
      await pool.close();
    }
  });
});
