import { describe, expect, it } from "vitest";
import { buildChartSvg, niceTicks, renderChartPng } from "../../src/render/chart.js";

/** Width and height from the IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe("chart", () => {
  it("renders a valid PNG of the requested size", () => {
    const png = renderChartPng({
      title: "New requests - hongze 2023-2024",
      xLabels: ["2022", "2023", "2024"],
      series: [{ label: "New requests", values: [null, 21, 95] }],
    });
    expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    expect(png.subarray(12, 16).toString("ascii")).toBe("IHDR");
    expect(pngSize(png)).toEqual({ width: 800, height: 450 });
    // Axes, labels and a line: far more than a blank canvas.
    expect(png.length).toBeGreaterThan(8_000);
    const blank = renderChartPng({ title: "", xLabels: [], series: [] });
    expect(png.length).toBeGreaterThan(blank.length * 1.5);
  });

  it("bars and percentages; custom size", () => {
    const png = renderChartPng({ kind: "bar", percent: true, title: "Grant rate", xLabels: ["2019", "2022", "2024"], series: [{ label: "a", values: [0.35, 0.39, 0.46] }], width: 640, height: 360 });
    expect(pngSize(png)).toEqual({ width: 640, height: 360 });
  });

  it("keeps only ASCII in the picture and escapes XML", () => {
    const svg = buildChartSvg({ title: "新收 <New> & co", xLabels: ["2024年"], series: [{ label: "x", values: [1] }] });
    expect(svg).not.toMatch(/[\u4e00-\u9fff]/);
    expect(svg).toContain("&lt;New&gt; &amp; co");
    expect(svg).toContain(">2024<");
  });

  it("a missing year is a gap in the line and labelled n/a", () => {
    const svg = buildChartSvg({ title: "t", xLabels: ["2019", "2020", "2021", "2022"], series: [{ label: "x", values: [23, null, 40, 74] }] });
    const path = /<path d="([^"]+)"/.exec(svg)?.[1] ?? "";
    expect(path.match(/M/g)).toHaveLength(2);
    expect(svg).toContain(">n/a<");
  });

  it("nice ticks cover the maximum", () => {
    expect(niceTicks(95)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(0.46)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(niceTicks(0)).toEqual([0, 1]);
  });
});
