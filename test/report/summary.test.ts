/**
 * `nianbao parse FILE` summary: figures left blank share one "未填报：" line instead of a "—" line
 * each (a 2019-layout report: pingtan-2019-squashed leaves table 二 cells it cannot split empty).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { figureLines, summarise } from "../../src/commands/parse.js";
import { FIGURE_LABELS, keyFigures } from "../../src/report/figures.js";
import { parseDocument } from "../../src/report/parse.js";

const here = path.dirname(fileURLToPath(import.meta.url));

async function parsed(name: string, file = "source.txt") {
  const out = await parseDocument({ source: name, bytes: new Uint8Array(readFileSync(path.join(here, "../golden", name, file))) });
  if (!out.ok) throw new Error(out.error.message);
  return out.report;
}

describe("parse summary", () => {
  it("groups blank figures on one line (pingtan-2019-squashed)", async () => {
    const r = await parsed("pingtan-2019-squashed");
    const f = keyFigures(r);
    const blank = (Object.keys(FIGURE_LABELS) as (keyof typeof f)[]).filter((k) => f[k] === null);
    expect(blank.length).toBeGreaterThan(1);
    const text = summarise(r);
    expect(text).not.toContain("未填报或无法计算");
    const lines = text.split("\n").filter((l) => l.trim().startsWith("未填报：") || l.trim().startsWith("无法计算："));
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.length).toBeLessThanOrEqual(2);
    // Every blank figure is named exactly once across the grouped lines; none gets its own line.
    const named = lines.join("、").replace(/^\s*(?:未填报|无法计算)：/gm, "");
    for (const k of blank) {
      const label = FIGURE_LABELS[k].zh;
      expect(named.split(/、|\s*(?:未填报|无法计算)：/).filter((x) => x.trim() === label)).toHaveLength(1);
      expect(text).not.toContain(`  ${label}：`);
    }
    expect(text).toContain("行政许可");
  });

  it("a report with every figure shows no grouped line", async () => {
    const r = await parsed("luanchuan-2022-tab");
    const f = keyFigures(r);
    const lines = figureLines(r);
    const filled = Object.values(f).filter((v) => v !== null).length;
    expect(lines.filter((l) => !/^\s*(?:未填报|无法计算)：/.test(l))).toHaveLength(filled);
    if (filled === Object.keys(f).length) expect(lines.join("\n")).not.toMatch(/未填报|无法计算/);
  });
});
