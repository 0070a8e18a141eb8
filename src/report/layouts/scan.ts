/**
 * The scan: a compact view of the document in which table rows read as "label numbers label
 * numbers …" whatever the source shape (HTML cells, one cell per line, tabs, pipes, PDF lines,
 * squashed archiver text). Whitespace is dropped unless it separates two value characters, so
 * labels wrapped over lines ("重 新出具") match, and "21 0 0" keeps its cell gaps. Pure.
 */
import { splitGlued, type GluedSplit } from "../glued.js";

/** Compact the scan text (see the module comment). */
export function compact(scan: string): string {
  // One native regex pass: the character before a whitespace run is never whitespace, so
  // scan[off - 1] is the last kept character.
  return scan.replace(/\s+/g, (m: string, off: number) => {
    const before = off > 0 ? scan.charCodeAt(off - 1) : -1;
    const after = scan.charCodeAt(off + m.length);
    return isValueCode(before) && isValueCode(after) ? " " : "";
  });
}

export function isValueCode(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 46 || c === 47 || c === 45 || c === 43 || c === 0xa6 || c === 0x2205 || c === 0x2014 || c === 0x2013 || c === 0xff0d;
}

/**
 * Marks a cell boundary the source drew itself (a markdown pipe between two cells, text.ts): the
 * cells on either side are separate numbers, never one squashed string.
 */
export const CELL_SEP = "\u00a6";

/** A located row label: where its match starts and ends in the compact text. */
export interface Hit {
  start: number;
  end: number;
}

// Global copies of the patterns, by pattern object (module-level constants hit every time) and,
// for patterns built afresh per call, by source.
const compiledByRe = new WeakMap<RegExp, RegExp>();
const compiled = new Map<string, RegExp>();

function globalCopy(re: RegExp): RegExp {
  let g = compiledByRe.get(re);
  if (g) return g;
  const key = `${re.flags}/${re.source}`;
  g = compiled.get(key);
  if (!g) {
    g = new RegExp(re.source, re.flags.includes("g") ? re.flags : `${re.flags}g`);
    compiled.set(key, g);
  }
  compiledByRe.set(re, g);
  return g;
}

/** First match of `re` in `c` within [from, to). Patterns are compiled once (sticky-free, global). */
export function find(c: string, re: RegExp, from: number, to: number = c.length): Hit | null {
  const g = globalCopy(re);
  g.lastIndex = from;
  const m = g.exec(c);
  if (!m || m.index >= to) return null;
  return { start: m.index, end: m.index + m[0].length };
}

/** Longest stretch after a row label that is searched for its values. */
export const MAX_SEGMENT = 800;

/** A cell token read from a value run. */
export type Token = { kind: "num"; raw: string; value: number } | { kind: "null"; raw: string };

const TOKEN = /\u2205|-?\d+(?:\.\d+)?|[/\-—–－]+|\./g;
// Headings that end a row's values even when the next row label was never found.
const STOP = /第二十条|信息内容|申请人情况|四、政府信息公开|五、|行政复议|行政诉讼|本年度办理结果/;

/**
 * The value run of a row: the first stretch of value characters in c[from, to), cut at a heading.
 * Trailing "N." (the numbering of a sub-row whose label was not matched) is dropped.
 */
export function valueRun(c: string, from: number, to: number, max: number = MAX_SEGMENT): string {
  // A row's label tail and values fit well within this; a missing next label must not make the
  // segment the rest of the document.
  const cut = from + max < to && from + max < c.length;
  let seg = c.slice(from, Math.min(to, from + max));
  const stop = STOP.exec(seg);
  if (stop) seg = seg.slice(0, stop.index);
  const m = /[0-9\u2205/\-—–－\u00a6][0-9.\u2205/\-—–－\u00a6+ ]*/.exec(seg);
  if (!m) return "";
  let run = m[0].trimEnd();
  const after = seg.charAt(m.index + m[0].length);
  // Cut off by the length bound in the middle of a number: its last token may be cut ("20" → "2").
  if (cut && !stop && m.index + m[0].length === seg.length) run = run.replace(/\s*\S+$/, "");
  if (/\d\.$/.test(run) && /[\u4e00-\u9fff(]/.test(after)) run = run.slice(0, -2).trimEnd();
  return run;
}

/** Tokens of a value run: numbers, and null markers (blank cell, "/", "—", "-"). */
export function tokens(run: string): Token[] {
  const out: Token[] = [];
  // An exec loop on the shared global pattern: matchAll would clone the pattern on every call.
  TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = TOKEN.exec(run)) !== null) {
    const raw = m[0];
    if (raw === ".") continue;
    // Only the number alternative holds digits, and it always ends with one.
    const last = raw.charCodeAt(raw.length - 1);
    if (last >= 48 && last <= 57) out.push({ kind: "num", raw, value: Number(raw) });
    else out.push({ kind: "null", raw });
  }
  return out;
}

/** How a row's cells were read. */
export interface ReadCells {
  cells: (number | null)[];
  /**
   * "cells": one token per cell; "glued": a squashed string was split; "short": cells separated
   * by the source but fewer than expected (a converter dropped one), kept only where forced;
   * "none": nothing readable.
   */
  how: "cells" | "glued" | "short" | "signed" | "none";
  /** For 2019 change cells split at their sign ("12+315"): the raw text and surviving splits. */
  signed?: { raw: string; candidates: number };
  /**
   * For glued rows: the raw string and the split result. `forced`: the digits allow exactly one
   * split at all (as many digits as cells, or no other split without leading zeros) and it fails
   * the row's sum: it is read, and the failed sum is the finding.
   */
  glued?: { raw: string; split: GluedSplit; narrative?: boolean; forced?: boolean; columns?: boolean };
  /** The raw token of each cell, when read one token per cell (provenance). */
  raws?: string[];
  /** True when the values came from a label-less row placed by table order (table3.ts). */
  placed?: boolean;
  /** Tokens beyond the k cells (e.g. a headerless 表四 after the last 表二 row, seed 002). */
  rest: Token[];
}

/**
 * Read `k` cells from a value run. Enough tokens → the first k (blank markers are null). Fewer,
 * all digits → a squashed row: glue them (stray spaces in archiver text are not cell gaps,
 * "230 000023" = 23/0/0/0/0/0/23) and split under `accept`. Otherwise the row is unreadable.
 */
export function readCells(run: string, k: number, accept?: (vals: number[]) => boolean, allowNegative = false): ReadCells {
  const toks = tokens(run);
  if (toks.length === 0) return { cells: nulls(k), how: "none", rest: [] };
  // Plain loops below: readCells runs for every row of every table.
  if (toks.length >= k) {
    const cells: (number | null)[] = [];
    const raws: string[] = [];
    for (let i = 0; i < k; i++) {
      const t = toks[i] as Token;
      cells.push(t.kind === "num" && (allowNegative || t.value >= 0) ? t.value : null);
      raws.push(t.raw);
    }
    return { cells, how: "cells", rest: toks.slice(k), raws };
  }
  // Cells the source separated itself (pipes) are never glued into one digit string.
  if (run.includes(CELL_SEP)) return { cells: shortRow(toks, k, accept), how: "short", rest: [] };
  let raw = "";
  for (const t of toks) {
    if (t.kind !== "num" || t.raw.startsWith("-")) {
      raw = "";
      break;
    }
    raw += t.raw;
  }
  if (raw !== "") {
    const split = splitGlued(raw, k, accept);
    if (accept && split.candidates === 0 && !split.truncated) {
      // No split passes the sums. When the digits allow one split only, that split is what the
      // report printed: read it, and let the failed sum be the finding (rules).
      const any = splitGlued(raw, k);
      if (any.candidates === 1) return { cells: any.cells, how: "glued", glued: { raw, split: any, forced: true }, rest: [] };
    }
    return { cells: split.cells, how: "glued", glued: { raw, split }, rest: [] };
  }
  return { cells: nulls(k), how: "none", rest: [] };
}

/**
 * A row the source separated into fewer cells than the table has (a PDF→markdown converter
 * dropped one). The missing cell may be any of them: try it at every position, with the value
 * the row check forces there (when `accept` is a sum check) or unknown, and keep only the cells
 * every placement agrees on. With no check, nothing is forced and the row stays blank.
 */
function shortRow(toks: Token[], k: number, accept?: (vals: number[]) => boolean): (number | null)[] {
  const vals: (number | null)[] = toks.map((t) => (t.kind === "num" && t.value >= 0 ? t.value : null));
  // Only the 表三 row check (six columns add up to the seventh) says where a total sits.
  if (!accept || k !== 7 || vals.length !== k - 1 || vals.some((v) => v === null)) return nulls(k);
  let agreed: (number | null)[] | null = null;
  const known = vals as number[];
  for (let pos = 0; pos < k; pos++) {
    // The value the row check forces at `pos`: try the sum of the others (a total) or the
    // difference (a part); accept() decides which placements are consistent.
    for (const guess of candidatesAt(known, pos, k)) {
      const row = [...known.slice(0, pos), guess, ...known.slice(pos)];
      if (!accept(row)) continue;
      if (!agreed) agreed = row;
      else agreed = agreed.map((v, i) => (v === row[i] ? v : null));
    }
  }
  return agreed ?? nulls(k);
}

function candidatesAt(known: number[], pos: number, k: number): number[] {
  const out: number[] = [];
  const sum = known.reduce((a, b) => a + b, 0);
  if (pos === k - 1) out.push(sum);
  else {
    const total = known[known.length - 1] as number;
    const parts = sum - total;
    if (total - parts >= 0) out.push(total - parts);
  }
  return out;
}

// Module-level rather than a closure in readCells: under tsx (keepNames) every named closure
// costs an Object.defineProperty per call, and readCells runs for every row.
function nulls(k: number): (number | null)[] {
  return Array<number | null>(k).fill(null);
}

