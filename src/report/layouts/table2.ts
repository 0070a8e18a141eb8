/**
 * 表二 主动公开政府信息情况, 2021 layout (国办公开办函〔2021〕30号) and 2019 layout (〔2019〕60号).
 * Pure.
 */
import type { ActiveDisclosure2019, ActiveDisclosure2021 } from "../schema.js";
import { splitGlued } from "../glued.js";
import { find, MAX_SEGMENT, readCells, valueRun, type ReadCells, type Token } from "./scan.js";

/** Which 表二 layout the header words say, or null when the table is not there. */
export function t2Layout(region: string): "2021" | "2019" | null {
  if (/本年新制作|本年新公开|对外公开总数|上一年项目数|政府集中采购/.test(region)) return "2019";
  if (/本年制发|本年废止|现行有效件|本年处理决定|本年收费金额/.test(region)) return "2021";
  return null;
}

/** Where 表二 starts in the compact text, or -1. */
export function t2Start(c: string): number {
  // A table section header is followed by 信息内容; a bare "第二十条" may be prose quoting the 条例.
  return find(c, T2_ITEM1, 0)?.start ?? find(c, T2_ITEM_N, 0)?.start ?? find(c, T2_CONTENT, 0)?.start ?? -1;
}
const T2_ITEM1 = /第二十条第\(一\)项/;
const T2_ITEM_N = /第二十条第\([一二三四五六七八九]\)项信息内容/;
const T2_CONTENT = /信息内容(?:本年制发|本年新制作)/;

/** One 表二 row as read (for glued-cell findings). */
export interface T2RowRead {
  key: string;
  label: string;
  read: ReadCells;
  /** Where the row label starts in the compact text, and the value text read after it. */
  at: number;
  run: string;
}

interface RowSpec {
  key: string;
  label: string;
  re: RegExp;
  k: number;
  /** 2019 "本年增/减" may be negative. */
  negative?: boolean;
}

const ROWS_2021: RowSpec[] = [
  { key: "regulations", label: "规章", re: /规章/, k: 3 },
  { key: "normativeDocuments", label: "行政规范性文件", re: /(?:行政)?规范性文件/, k: 3 },
  { key: "licensing", label: "行政许可", re: /行政许可/, k: 1 },
  { key: "punishment", label: "行政处罚", re: /行政处罚/, k: 1 },
  { key: "coercion", label: "行政强制", re: /行政强制/, k: 1 },
  { key: "fees", label: "行政事业性收费", re: /行政事业性收费/, k: 1 },
];
const ROWS_2019: RowSpec[] = [
  { key: "regulations", label: "规章", re: /规章/, k: 3 },
  { key: "normativeDocuments", label: "规范性文件", re: /(?:行政)?规范性文件/, k: 3 },
  { key: "licensing", label: "行政许可", re: /行政许可/, k: 3, negative: true },
  { key: "otherServices", label: "其他对外管理服务事项", re: /其他对外管理服务事项/, k: 3, negative: true },
  { key: "punishment", label: "行政处罚", re: /行政处罚/, k: 3, negative: true },
  { key: "coercion", label: "行政强制", re: /行政强制/, k: 3, negative: true },
  { key: "fees", label: "行政事业性收费", re: /行政事业性收费/, k: 2, negative: true },
  { key: "procurement", label: "政府集中采购", re: /政府集中采购/, k: 2 },
];

/** Result of reading 表二. */
export interface Table2<T> {
  table: T;
  rows: T2RowRead[];
  end: number;
  rest: Token[];
}

function readRows(c: string, start: number, limit: number, specs: RowSpec[], narrative: string): { cells: Map<string, (number | null)[]>; rows: T2RowRead[]; end: number; rest: Token[] } {
  const locs: { spec: RowSpec; start: number; end: number }[] = [];
  let cur = start;
  for (const spec of specs) {
    const h = find(c, spec.re, cur, limit);
    if (h) {
      locs.push({ spec, start: h.start, end: h.end });
      cur = h.end;
    }
  }
  const cells = new Map<string, (number | null)[]>();
  const rows: T2RowRead[] = [];
  let end = start;
  let rest: Token[] = [];
  locs.forEach((loc, i) => {
    const next = locs[i + 1]?.start ?? limit;
    const run = unitRun(c, loc.end, next);
    const signed = loc.spec.negative && loc.spec.k === 3 ? signedSplit(run) : null;
    let read = signed ?? readCells(run, loc.spec.k, undefined, loc.spec.negative === true);
    if (read.how === "glued" && read.glued && read.glued.split.candidates > 1 && loc.spec.key === "normativeDocuments") {
      read = narrowByNarrative(read, narrative, loc.spec.k);
    }
    cells.set(loc.spec.key, read.cells);
    rows.push({ key: loc.spec.key, label: loc.spec.label, read, at: loc.start, run });
    if (i === locs.length - 1) {
      const at = run ? c.indexOf(run, loc.end) : -1;
      end = at >= 0 ? at + run.length : loc.end;
      rest = read.rest;
    }
  });
  return { cells, rows, end, rest };
}

// Units printed inside cells ("政府集中采购 12个 3500元", "行政许可 5件"): a cell gap.
const UNIT_AFTER_DIGIT = /(\d)\s*(?:万元|个|件|项|元)/g;

/** valueRun, with units after a number read as the end of its cell. */
function unitRun(c: string, from: number, to: number): string {
  const seg = c.slice(from, Math.min(to, from + MAX_SEGMENT));
  if (!/\d\s*(?:万元|个|件|项|元)/.test(seg)) return valueRun(c, from, to);
  const cut = seg.replace(UNIT_AFTER_DIGIT, "$1 ");
  return valueRun(cut, 0, cut.length).trimEnd();
}

/**
 * A 2019-layout 上一年项目数量 / 本年增减 / 处理决定数量 row squashed around a sign: "12+315" is
 * 12, +3, 15 or 12, +31, 5. The digits before the sign are 上一年 (forced); after it, the split
 * with 上一年 + 增减 = 处理决定 is taken when it is the only one. Otherwise 增减 and 处理决定 stay
 * blank (finding parse.signedAmbiguous). Null when the run is not of that shape.
 */
export function signedSplit(run: string): ReadCells | null {
  const m = /^(\d+)\s*([+-])\s*(\d{2,})$/.exec(run.trim());
  if (!m) return null;
  const prev = Number(m[1]);
  const sign = m[2] === "-" ? -1 : 1;
  const rest = m[3] as string;
  if (m[1]!.length > 1 && m[1]!.startsWith("0")) return null;
  const found: [number, number][] = [];
  for (let i = 1; i < rest.length; i++) {
    const a = rest.slice(0, i);
    const b = rest.slice(i);
    if ((a.length > 1 && a.startsWith("0")) || (b.length > 1 && b.startsWith("0"))) continue;
    const change = sign * Number(a);
    const decisions = Number(b);
    if (prev + change === decisions) found.push([change, decisions]);
  }
  const one = found.length === 1 ? (found[0] as [number, number]) : null;
  return {
    cells: [prev, one ? one[0] : null, one ? one[1] : null],
    how: "signed",
    signed: { raw: run.trim(), candidates: found.length },
    rest: [],
  };
}

/**
 * A squashed 行政规范性文件 row ("8855698") has many splits. When the narrative states 制发 / 废止 /
 * 现行有效 counts, only splits that agree with every stated figure are kept (corpus 003: "现行有效
 * 行政规范性文件698件 … 制发的规范性文件88件" → 88/55/698). Cells still need all survivors to agree.
 */
function narrowByNarrative(read: ReadCells, narrative: string, k: number): ReadCells {
  if (!read.glued || k !== 3) return read;
  const pick = (re: RegExp): number | null => {
    const m = re.exec(narrative);
    return m?.[1] ? Number(m[1]) : null;
  };
  const stated = [
    pick(/制发[^。;,，；\d]{0,16}?(\d+)件/),
    pick(/废止[^。;,，；\d]{0,16}?(\d+)件/),
    pick(/现行有效[^。;,，；\d]{0,16}?(\d+)件/),
  ];
  if (stated.every((v) => v === null)) return read;
  const accept = (vals: number[]): boolean => stated.every((v, i) => v === null || vals[i] === v);
  const split = splitGlued(read.glued.raw, k, accept);
  if (split.candidates === 0) return read;
  return { ...read, cells: split.cells, glued: { raw: read.glued.raw, split, narrative: true } };
}

type Cells = Map<string, (number | null)[]>;
const cell = (m: Cells, key: string, i: number): number | null => m.get(key)?.[i] ?? null;
// Row builders at module level (no per-call named closures, which tsx's keepNames makes costly).
const nonNeg = (v: number | null): number | null => (v !== null && v < 0 ? null : v);
function triple(cells: Cells, key: string): ActiveDisclosure2021["regulations"] {
  return { made: cell(cells, key, 0), repealed: cell(cells, key, 1), valid: cell(cells, key, 2) };
}
function docs(cells: Cells, key: string): ActiveDisclosure2019["regulations"] {
  return { newMade: nonNeg(cell(cells, key, 0)), newPublished: nonNeg(cell(cells, key, 1)), totalPublic: nonNeg(cell(cells, key, 2)) };
}
function items(cells: Cells, key: string): ActiveDisclosure2019["licensing"] {
  return { prevYearItems: nonNeg(cell(cells, key, 0)), change: cell(cells, key, 1), decisions: nonNeg(cell(cells, key, 2)) };
}

/** Read a 2021-layout 表二 from c[start, limit). */
export function readTable2021(c: string, start: number, limit: number, narrative: string): Table2<ActiveDisclosure2021> {
  const { cells, rows, end, rest } = readRows(c, start, limit, ROWS_2021, narrative);
  return {
    table: {
      regulations: triple(cells, "regulations"),
      normativeDocuments: triple(cells, "normativeDocuments"),
      licensing: cell(cells, "licensing", 0),
      punishment: cell(cells, "punishment", 0),
      coercion: cell(cells, "coercion", 0),
      fees: cell(cells, "fees", 0),
    },
    rows,
    end,
    rest,
  };
}

/** Read a 2019-layout 表二 from c[start, limit). */
export function readTable2019(c: string, start: number, limit: number, narrative: string): Table2<ActiveDisclosure2019> {
  const { cells, rows, end, rest } = readRows(c, start, limit, ROWS_2019, narrative);
  return {
    table: {
      format: "2019",
      regulations: docs(cells, "regulations"),
      normativeDocuments: docs(cells, "normativeDocuments"),
      licensing: items(cells, "licensing"),
      otherServices: items(cells, "otherServices"),
      punishment: items(cells, "punishment"),
      coercion: items(cells, "coercion"),
      fees: { prevYearItems: nonNeg(cell(cells, "fees", 0)), change: cell(cells, "fees", 1) },
      procurement: { projects: nonNeg(cell(cells, "procurement", 0)), amount: nonNeg(cell(cells, "procurement", 1)) },
    },
    rows,
    end,
    rest,
  };
}
