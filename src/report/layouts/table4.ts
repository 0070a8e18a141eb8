/**
 * 表四 政府信息公开行政复议、行政诉讼情况: 15 numbers (复议, 直接起诉, 复议后起诉 × 维持/纠正/其他/
 * 尚未审结/总计), usually one flat row under a three-level header. Pure.
 */
import type { ReviewLitigation } from "../schema.js";
import { reviewBlocksOk } from "../glued.js";
import { find, readCells, type ReadCells, type Token } from "./scan.js";

/** Heading of section 五, which ends 表四. */
const SECTION5 = /五、(?:政府信息公开工作)?存在|存在的主要问题/;
const HEAD = /行政复议/;

/** Split 15 cells into the three blocks. */
export function toReviewLitigation(cells: (number | null)[]): ReviewLitigation {
  return {
    review: cells.slice(0, 5),
    litigationDirect: cells.slice(5, 10),
    litigationAfterReview: cells.slice(10, 15),
  };
}

/** Result of reading 表四. */
export interface Table4 {
  table: ReviewLitigation;
  read: ReadCells;
  headerless: boolean;
  /** Where the values start in the compact text (-1 when unknown), and the value text. */
  at: number;
  run: string;
}

/** Read 表四 from c[from, limit): the header (行政复议 …), then the first numeric run. */
export function readTable4(c: string, from: number, limit: number): Table4 | null {
  const head = find(c, HEAD, from, limit);
  if (!head) return null;
  const sec5 = find(c, SECTION5, head.end, limit);
  const end = sec5 ? sec5.start : Math.min(limit, head.end + 2000);
  const region = c.slice(head.end, end);
  let chosen: string | null = null;
  let at = -1;
  for (const m of region.matchAll(/[0-9\u2205/\-—–－][0-9.\u2205/\-—–－\u00a6 ]*/g)) {
    if (!/\d/.test(m[0])) continue;
    chosen = m[0].trim();
    at = head.end + m.index;
    break;
  }
  if (chosen === null) return null;
  const read = readCells(chosen, 15, reviewBlocksOk);
  if (read.how === "none") return null;
  return { table: toReviewLitigation(read.cells), read, headerless: false, at, run: chosen };
}

/**
 * A 表四 printed without its header right after the last row of 表二/表三 (seed 002, truncated
 * after 行政处罚): exactly 15 leftover numbers. Anything else is not taken for 表四.
 */
export function headerlessTable4(rest: Token[]): Table4 | null {
  const nums: Token[] = [];
  for (const t of rest) {
    if (t.kind !== "num") break;
    nums.push(t);
  }
  if (nums.length !== 15) return null;
  const cells = nums.map((t) => (t.kind === "num" ? t.value : null));
  const read: ReadCells = { cells, how: "cells", rest: [] };
  return { table: toReviewLitigation(cells), read, headerless: true, at: -1, run: nums.map((t) => t.raw).join(" ") };
}

