/**
 * Trend chart as a PNG, rendered in-process: an SVG built here (pure) rasterised by resvg
 * (@resvg/resvg-js, a prebuilt Rust binary shipped through npm; no browser, no network).
 *
 * Text in the PNG is ASCII only (years, numbers, the figure's English name): a fresh machine has
 * no CJK font and tofu boxes help nobody, so Chinese stays in the Telegram caption. The font is
 * Liberation Sans, which pdfjs-dist (already a dependency) ships in standard_fonts/, so the
 * rendering does not depend on system fonts either.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Resvg } from "@resvg/resvg-js";

/** One line (or bar group) of a chart. */
export interface ChartSeries {
  /** ASCII label for the legend (non-ASCII is dropped). */
  label: string;
  /** One value per x label; null = no report / blank cell (drawn as a gap). */
  values: (number | null)[];
}

/** What to draw. */
export interface ChartSpec {
  /** ASCII title (non-ASCII is dropped). */
  title: string;
  /** X axis labels, e.g. years. */
  xLabels: string[];
  series: ChartSeries[];
  kind?: "line" | "bar";
  /** Y values are shares in [0, 1]: ticks shown as percentages. */
  percent?: boolean;
  width?: number;
  height?: number;
}

const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];
const FONT_FAMILY = "Liberation Sans";

/** Keeps printable ASCII only and escapes XML. */
function asciiText(s: string): string {
  const a = s
    .replace(/[^\x20-\x7e]/g, "")
    .replace(/\s+/g, " ")
    .trim();
  return a.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}

/** "Nice" tick step (1, 2, 5 × 10^n) giving about `target` ticks up to `max`. */
export function niceTicks(max: number, target = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
  const ticks: number[] = [];
  for (let v = 0; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if ((ticks.at(-1) ?? 0) < max) ticks.push(Number(((ticks.at(-1) ?? 0) + step).toPrecision(12)));
  return ticks;
}

function fmt(v: number, percent: boolean): string {
  if (percent) return `${(v * 100).toFixed(v * 100 >= 10 || v === 0 ? 0 : 1)}%`;
  if (Math.abs(v) >= 1e6) return `${(v / 1e6).toFixed(v % 1e6 === 0 ? 0 : 1)}M`;
  if (Math.abs(v) >= 1e4) return `${(v / 1e3).toFixed(v % 1e3 === 0 ? 0 : 1)}k`;
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

/** Builds the chart SVG (pure). */
export function buildChartSvg(spec: ChartSpec): string {
  const W = spec.width ?? 800;
  const H = spec.height ?? 450;
  const percent = spec.percent ?? false;
  const kind = spec.kind ?? "line";
  const m = { top: 56, right: 24, bottom: spec.series.length > 1 ? 78 : 52, left: 72 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const n = Math.max(1, spec.xLabels.length);
  const all = spec.series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  const max = Math.max(percent ? 0.01 : 1, ...all);
  const ticks = niceTicks(percent ? Math.min(1, max) : max);
  const top = ticks.at(-1) ?? 1;
  const y = (v: number): number => m.top + ph - (v / top) * ph;
  const band = pw / n;
  const xc = (i: number): number => m.left + band * (i + 0.5);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(
    `<text x="${W / 2}" y="32" font-family="${FONT_FAMILY}" font-size="20" text-anchor="middle" fill="#222">${asciiText(spec.title)}</text>`,
  );
  for (const t of ticks) {
    const yy = y(t).toFixed(1);
    out.push(`<line x1="${m.left}" y1="${yy}" x2="${W - m.right}" y2="${yy}" stroke="#e3e3e3" stroke-width="1"/>`);
    out.push(
      `<text x="${m.left - 8}" y="${(y(t) + 5).toFixed(1)}" font-family="${FONT_FAMILY}" font-size="13" text-anchor="end" fill="#555">${fmt(t, percent)}</text>`,
    );
  }
  out.push(`<line x1="${m.left}" y1="${m.top + ph}" x2="${W - m.right}" y2="${m.top + ph}" stroke="#444" stroke-width="1.5"/>`);
  out.push(`<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${m.top + ph}" stroke="#444" stroke-width="1.5"/>`);
  spec.xLabels.forEach((lab, i) => {
    out.push(
      `<text x="${xc(i).toFixed(1)}" y="${m.top + ph + 22}" font-family="${FONT_FAMILY}" font-size="14" text-anchor="middle" fill="#333">${asciiText(lab)}</text>`,
    );
  });
  const ns = Math.max(1, spec.series.length);
  spec.series.forEach((s, si) => {
    const color = PALETTE[si % PALETTE.length] ?? "#1f77b4";
    if (kind === "bar") {
      const bw = (band * 0.7) / ns;
      s.values.forEach((v, i) => {
        const x0 = xc(i) - (band * 0.7) / 2 + si * bw;
        if (v === null || !Number.isFinite(v)) {
          out.push(label(x0 + bw / 2, m.top + ph - 6, "n/a", "#999"));
          return;
        }
        const yy = y(v);
        out.push(`<rect x="${x0.toFixed(1)}" y="${yy.toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${(m.top + ph - yy).toFixed(1)}" fill="${color}"/>`);
        out.push(label(x0 + bw / 2, yy - 6, fmt(v, percent), "#222"));
      });
    } else {
      // Segments only between consecutive known values: a missing year is a visible gap.
      let d = "";
      let pen = false;
      s.values.forEach((v, i) => {
        if (v === null || !Number.isFinite(v)) {
          pen = false;
          return;
        }
        d += `${pen ? "L" : "M"}${xc(i).toFixed(1)} ${y(v).toFixed(1)} `;
        pen = true;
      });
      if (d) out.push(`<path d="${d.trim()}" fill="none" stroke="${color}" stroke-width="3" stroke-linejoin="round"/>`);
      // Across missing years: a thin dashed bridge, so the trend reads while the gap stays visible.
      let last: number | null = null;
      s.values.forEach((v, i) => {
        if (v === null || !Number.isFinite(v)) return;
        const lv = last === null ? null : s.values[last];
        if (last !== null && i - last > 1 && lv !== null && lv !== undefined) {
          out.push(
            `<line x1="${xc(last).toFixed(1)}" y1="${y(lv).toFixed(1)}" x2="${xc(i).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="${color}" stroke-width="1.5" stroke-dasharray="6 5" opacity="0.7"/>`,
          );
        }
        last = i;
      });
      s.values.forEach((v, i) => {
        if (v === null || !Number.isFinite(v)) {
          out.push(label(xc(i), m.top + ph - 6, "n/a", "#999"));
          return;
        }
        out.push(`<circle cx="${xc(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="5" fill="${color}" stroke="#fff" stroke-width="1.5"/>`);
        out.push(label(xc(i), y(v) - 10, fmt(v, percent), "#222"));
      });
    }
  });
  if (spec.series.length > 1) {
    spec.series.forEach((s, si) => {
      const lx = m.left + si * 180;
      const ly = H - 22;
      out.push(`<rect x="${lx}" y="${ly - 11}" width="14" height="14" fill="${PALETTE[si % PALETTE.length] ?? "#1f77b4"}"/>`);
      out.push(
        `<text x="${lx + 20}" y="${ly + 1}" font-family="${FONT_FAMILY}" font-size="13" fill="#333">${asciiText(s.label)}</text>`,
      );
    });
  }
  out.push("</svg>");
  return out.join("\n");
}

function label(x: number, y: number, text: string, fill: string): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" font-family="${FONT_FAMILY}" font-size="13" text-anchor="middle" fill="${fill}">${asciiText(text)}</text>`;
}

let fontFile: string | null = null;
/** Liberation Sans from pdfjs-dist's standard fonts (resolved once). */
function chartFont(): string {
  if (!fontFile) {
    const require = createRequire(import.meta.url);
    const pkg = require.resolve("pdfjs-dist/package.json");
    fontFile = join(dirname(pkg), "standard_fonts", "LiberationSans-Regular.ttf");
  }
  return fontFile;
}

/** Renders the chart to PNG bytes. Throws only if the renderer itself fails (an I/O-like error). */
export function renderChartPng(spec: ChartSpec): Buffer {
  const svg = buildChartSvg(spec);
  const resvg = new Resvg(svg, {
    background: "#ffffff",
    font: { fontFiles: [chartFont()], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY },
  });
  return resvg.render().asPng();
}
