/** Provenance (explain.ts): every cell of a parsed report says where it came from and how. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatExplanation } from "../../src/report/explain.js";
import { parseDocument } from "../../src/report/parse.js";

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe("explain", () => {
  it("gives every table cell a source line and a way of reading, only when asked", async () => {
    const bytes = new Uint8Array(readFileSync("test/golden/wuqing-2021-pipe/source.txt"));
    const plain = await parseDocument({ source: "w", bytes });
    expect(plain.ok && plain.explained).toBeUndefined();
    const out = await parseDocument({ source: "w", bytes, explain: true });
    if (!out.ok || !out.explained) throw new Error("no explanation");
    const { cells, scan } = out.explained;
    // 6 + 26 rows × 7 − … : at least every 表三 cell of the report is explained.
    const t3 = cells.filter((c) => c.cell.startsWith("表三."));
    const reqCells = Object.values(out.report.requests ?? {}).reduce((n, r) => n + (r?.length ?? 0), 0);
    expect(t3.length).toBe(reqCells);
    for (const c of cells) expect(c.line).not.toBeNull();
    const granted = cells.find((c) => c.cell === "表三.granted[0]");
    expect(granted).toMatchObject({ value: 67, how: "direct", cellText: "67" });
    expect(scan.split("\n")[(granted?.line ?? 0) - 1]).toContain("予以公开");
    expect(formatExplanation(cells, scan)).toContain("自然人 = 67　直接读取");
  });

  it("says when squashed digits were split, and why a cell is empty", async () => {
    const text = [
      "某某局2022年政府信息公开工作年度报告",
      "三、收到和处理政府信息公开申请情况",
      "一、本年新收政府信息公开申请数量 801000081",
      "二、上年结转政府信息公开申请数量 0000000",
    ].join("\n");
    const out = await parseDocument({ source: "t", bytes: utf8(text), explain: true });
    if (!out.ok || !out.explained) throw new Error("no explanation");
    const nr = out.explained.cells.filter((c) => c.cell.startsWith("表三.newReceived"));
    expect(nr.map((c) => c.value)).toEqual([80, 1, 0, 0, 0, 0, 81]);
    expect(nr.every((c) => c.how === "split")).toBe(true);
  });
});
