/**
 * Provenance: for every table cell of a parsed report, the source text it came from (line of
 * the scan text: a text line, or an HTML table row) and how it was read. Pure: the rows as the
 * layouts read them (layouts/index.ts `ProvRow`) and the scan text in, explanations out.
 *
 * A reader must be able to check any number we print against the original in seconds (issue 10).
 */
import type { ProvRow } from "./layouts/index.js";
import { isValueCode } from "./layouts/scan.js";
import { APPLICANT_COLUMNS, REQUEST_ROWS, REVIEW_COLUMNS, type RequestRowKey } from "./schema.js";

/** How a cell was read. */
export type ReadHow =
  | "direct" // one token per cell
  | "split" // squashed digits, the only split that passes the row's sums
  | "split-narrative" // squashed digits, the split the narrative's figures single out
  | "split-columns" // squashed digits, the split the column sums single out
  | "split-forced" // squashed digits with one split only (its sum fails: a finding says so)
  | "signed" // 2019 change cell split at its sign, chosen by 上一年 + 增减 = 处理决定
  | "placed" // label-less row placed on its floating label by table order
  | "completed" // one cell missing from a separated row, forced by the row sum
  | "blank" // null: the source cell is blank, "/" or "—"
  | "unread"; // null: not forced by the text or the sums (a parse.* finding says why)

/** Chinese names of the ways of reading, for `parse --explain`. */
export const HOW_ZH: Record<ReadHow, string> = {
  direct: "直接读取",
  split: "粘连数字，唯一可行的拆分（含合计关系）",
  "split-narrative": "粘连数字，按正文所述数字唯一拆分",
  "split-columns": "粘连数字，按各列合计唯一拆分",
  "split-forced": "粘连数字，只有一种拆分（合计不成立，见检查结果）",
  signed: "按正负号拆分，按 上一年+增减=处理决定 唯一确定",
  placed: "行名与数字分离，按表格顺序对应",
  completed: "缺一个单元格，按合计关系补全",
  blank: "原文空白",
  unread: "无法唯一确定（见提示）",
};

/** One cell's provenance. */
export interface CellExplanation {
  /** Cell reference as used in findings: "表三.granted[0]", "表二.licensing[0]", "表四[12]". */
  cell: string;
  /** Human label: row and column. */
  label: string;
  value: number | null;
  /** 1-based line of the scan text the row starts on, or null when unknown. */
  line: number | null;
  /** Offset of the row label in the scan text, or null when unknown. */
  offset: number | null;
  /** The raw text read for this row (its values), and for this cell when read one per token. */
  rowText: string;
  cellText: string | null;
  how: ReadHow;
}

/** Offsets of the compact text → offsets of the scan (the same rule as layouts/scan.ts compact). */
function compactToScan(scan: string): Int32Array {
  const map: number[] = [];
  const re = /\s+/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(scan)) !== null) {
    for (let i = last; i < m.index; i++) map.push(i);
    const before = m.index > 0 ? scan.charCodeAt(m.index - 1) : -1;
    const after = scan.charCodeAt(m.index + m[0].length);
    if (isValueCode(before) && isValueCode(after)) map.push(m.index);
    last = m.index + m[0].length;
  }
  for (let i = last; i < scan.length; i++) map.push(i);
  return Int32Array.from(map);
}

function lineOf(scan: string, offset: number): number {
  let n = 1;
  for (let i = scan.indexOf("\n"); i >= 0 && i < offset; i = scan.indexOf("\n", i + 1)) n++;
  return n;
}

function howOf(row: ProvRow, i: number, value: number | null): ReadHow {
  const r = row.read;
  if (value === null) return r.how === "cells" || (r.how === "signed" && i === 0) ? "blank" : "unread";
  if (r.placed) return "placed";
  switch (r.how) {
    case "glued":
      return r.glued?.forced ? "split-forced" : r.glued?.narrative ? "split-narrative" : r.glued?.columns ? "split-columns" : "split";
    case "signed":
      return i === 0 ? "direct" : "signed";
    case "short":
      return "completed";
    default:
      return "direct";
  }
}

const T2_COLS: Record<string, string[]> = {
  "2021-3": ["本年制发件数", "本年废止件数", "现行有效件数"],
  "2019-docs": ["本年新制作数量", "本年新公开数量", "对外公开总数量"],
  "2019-items": ["上一年项目数量", "本年增/减", "处理决定数量"],
  fees: ["上一年项目数量", "本年增/减"],
  procurement: ["采购项目数量", "采购总金额"],
};

function t2Cols(row: ProvRow): string[] {
  const k = row.read.cells.length;
  if (row.key === "procurement") return T2_COLS.procurement as string[];
  if (row.key === "fees" && k === 2) return T2_COLS.fees as string[];
  if (k === 3 && (row.key === "regulations" || row.key === "normativeDocuments")) {
    return (row.label === "规范性文件" ? T2_COLS["2019-docs"] : T2_COLS["2021-3"]) as string[];
  }
  if (k === 3) return T2_COLS["2019-items"] as string[];
  return [row.key === "fees" ? "本年收费金额（万元）" : "本年处理决定数量"];
}

/** Every cell of the rows read, with its source line and how it was read. */
export function explainCells(scan: string, rows: readonly ProvRow[]): CellExplanation[] {
  const map = compactToScan(scan);
  const out: CellExplanation[] = [];
  for (const row of rows) {
    const off = row.at >= 0 ? map[Math.min(row.at, map.length - 1)] : undefined;
    const line = off === undefined ? null : lineOf(scan, off);
    row.read.cells.forEach((value, i) => {
      let cell: string;
      let label: string;
      if (row.table === "表三") {
        cell = `表三.${row.key}[${i}]`;
        label = `${REQUEST_ROWS[row.key as RequestRowKey] ?? row.label} / ${APPLICANT_COLUMNS[i] ?? `第${i + 1}列`}`;
      } else if (row.table === "表四") {
        cell = `表四[${i}]`;
        const block = ["行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）"][Math.floor(i / 5)];
        label = `${block} / ${REVIEW_COLUMNS[i % 5] ?? `第${(i % 5) + 1}列`}`;
      } else {
        cell = `表二.${row.key}[${i}]`;
        label = `${row.label} / ${t2Cols(row)[i] ?? `第${i + 1}列`}`;
      }
      out.push({ cell, label, value, line, offset: off ?? null, rowText: row.run, cellText: row.read.raws?.[i] ?? null, how: howOf(row, i, value) });
    });
  }
  return out;
}

/** The explanation as readable Chinese lines (for `nianbao parse --explain`). */
export function formatExplanation(cells: readonly CellExplanation[], scan: string): string {
  const lines = scan.split("\n");
  const out: string[] = [];
  let lastRow = "";
  for (const c of cells) {
    const rowKey = `${c.cell.replace(/\[\d+\]$/, "")}@${c.line}`;
    if (rowKey !== lastRow) {
      lastRow = rowKey;
      // The source from the row label on (a line may hold a whole squashed document).
      const src = c.offset !== null ? scan.slice(c.offset, c.offset + 70).split("\n")[0]?.trim() ?? "" : c.line !== null ? (lines[c.line - 1] ?? "").trim() : "";
      out.push(`${c.label.split(" / ")[0]}　（${c.line !== null ? `第 ${c.line} 行` : "位置未知"}${src ? `：${src.length > 60 ? `${src.slice(0, 60)}…` : src}` : ""}）`);
      if (c.rowText) out.push(`    读到的数字：${c.rowText.replaceAll("\u00a6", "|")}`);
    }
    const v = c.value === null ? "空" : String(c.value);
    out.push(`    ${c.label.split(" / ")[1] ?? c.label} = ${v}　${HOW_ZH[c.how]}${c.cellText !== null && c.how === "direct" ? `（原文“${c.cellText}”）` : ""}`);
  }
  return `${out.join("\n")}\n`;
}
