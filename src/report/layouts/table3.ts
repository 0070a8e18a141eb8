/**
 * 表三 收到和处理政府信息公开申请情况: label matching → row keys, 7 cells per row. The same
 * reader serves the 2021 layout (六 with three sub-rows) and the 2019 layout or collapsed 2021
 * reports (六 as one row → `otherHandling`, hongze PDFs). Pure.
 */
import type { RequestRowKey, Requests } from "../schema.js";
import { rowSumOk, splitGlued } from "../glued.js";
import { find, readCells, valueRun, type ReadCells, type Token } from "./scan.js";

/** Label patterns (compact, Simplified, half-width text). `n` = the sub-row number prefix. */
const num = (n: number): string => `(?:${n}[.、]?)?`;
/** Rows in table order with the pattern that finds each label. Distinctive fragments only: PDF
 *  text layers drop characters ("2.其他法律行政止公开", hongze-2023). */
export const T3_ROWS: ReadonlyArray<{ key: RequestRowKey; re: RegExp }> = [
  { key: "newReceived", re: /本年新收/ },
  { key: "carriedOver", re: /上年结转/ },
  { key: "granted", re: /\(一\)予以公开/ },
  { key: "partial", re: /\(二\)部分公开/ },
  { key: "denied_stateSecret", re: new RegExp(`${num(1)}(?:属于)?国家秘密`) },
  { key: "denied_lawForbidden", re: new RegExp(`${num(2)}其他法律`) },
  { key: "denied_safetyStability", re: new RegExp(`${num(3)}危及`) },
  { key: "denied_thirdParty", re: new RegExp(`${num(4)}保护第三方`) },
  { key: "denied_internal", re: new RegExp(`${num(5)}(?:属于)?三类内部`) },
  { key: "denied_process", re: new RegExp(`${num(6)}(?:属于)?四类过程`) },
  { key: "denied_enforcement", re: new RegExp(`${num(7)}(?:属于)?行政执法案卷`) },
  { key: "denied_query", re: new RegExp(`${num(8)}(?:属于)?行政查询`) },
  { key: "unable_noInfo", re: new RegExp(`${num(1)}本机关不掌握`) },
  { key: "unable_needCreation", re: new RegExp(`${num(2)}没有现成信息`) },
  { key: "unable_unclear", re: new RegExp(`${num(3)}补正后申请内容`) },
  { key: "notProcessed_complaint", re: new RegExp(`${num(1)}信访举报投诉`) },
  { key: "notProcessed_repeat", re: new RegExp(`${num(2)}重复申请`) },
  { key: "notProcessed_publication", re: new RegExp(`${num(3)}要求提供公开出版物`) },
  { key: "notProcessed_massive", re: new RegExp(`${num(4)}无正当理由大量反复`) },
  { key: "notProcessed_confirm", re: new RegExp(`${num(5)}要求行政机关确认`) },
];
const OTHER_GROUP = /\(六\)其他处理/;
const OTHER_SUB: ReadonlyArray<{ key: RequestRowKey; re: RegExp }> = [
  { key: "other_overdueCorrection", re: new RegExp(`${num(1)}申请人无正当理由逾期不补正`) },
  { key: "other_overdueFee", re: new RegExp(`${num(2)}申请人逾期未按收费通知`) },
  { key: "other_other", re: /3[.、]其他/ },
];
const TOTAL = /\(七\)总计/;
const FORWARD = /结转下年度/;
const START = /本年新收/;

/** One row as read, for findings about squashed cells. */
export interface RowRead {
  key: RequestRowKey;
  read: ReadCells;
  /** Where the row label starts in the compact text, and the value text read for it. */
  at: number;
  run: string;
}

/** Result of reading 表三. */
export interface Table3 {
  requests: Requests | null;
  rows: RowRead[];
  /** Where the table ends in the compact text (after the last row's values). */
  end: number;
  /** Tokens left after the last row (a headerless 表四 may follow). */
  rest: Token[];
  /** True when (六) was one row. */
  collapsedOther: boolean;
  /** Labels whose values float elsewhere and could not be placed by table order. */
  unplaced: number;
}

/** Where 表三 starts: the first "本年新收" at/after `from`, or -1. */
export function t3Start(c: string, from: number): number {
  return find(c, START, from)?.start ?? -1;
}

type Loc = { key: RequestRowKey; start: number; end: number };

/** Find one row label in c[cur, to); when found, record it and return where the search goes on. */
function locate(c: string, locs: Loc[], key: RequestRowKey, re: RegExp, cur: number, to: number): number {
  const h = find(c, re, cur, to);
  if (!h) return cur;
  locs.push({ key, start: h.start, end: h.end });
  return h.end;
}

/** Read 表三 from the compact text c[start, limit). At least two rows, one with a number. */
export function readTable3(c: string, start: number, limit: number): Table3 | null {
  const locs: Loc[] = [];
  let cur = start;
  // Rows are located in table order, each after the previous one (a plain loop, not a named
  // closure: under tsx every named closure costs a defineProperty per call).
  for (const r of T3_ROWS) cur = locate(c, locs, r.key, r.re, cur, limit);
  const group = find(c, OTHER_GROUP, cur, limit);
  const totalHit = find(c, TOTAL, group?.end ?? cur, limit);
  let collapsedOther = false;
  if (group) {
    const subEnd = totalHit?.start ?? limit;
    cur = group.end;
    const before = locs.length;
    for (const r of OTHER_SUB) cur = locate(c, locs, r.key, r.re, cur, subEnd);
    if (locs.length === before) {
      locs.push({ key: "otherHandling", start: group.start, end: group.end });
      collapsedOther = true;
    }
  }
  if (totalHit) {
    locs.push({ key: "total", start: totalHit.start, end: totalHit.end });
    cur = totalHit.end;
  }
  cur = locate(c, locs, "carriedForward", FORWARD, cur, limit);
  if (locs.length < 2) return null;

  const requests: Requests = {};
  const rows: RowRead[] = [];
  let end = start;
  let rest: Token[] = [];
  const runs = locs.map((loc, i) => valueRun(c, loc.end, locs[i + 1]?.start ?? limit));
  // A label whose run holds every floating row needs a longer look than one row's values.
  const floating = placeFloatingRows(runs, (j) => valueRun(c, (locs[j] as Loc).end, locs[j + 1]?.start ?? limit, 8000));
  locs.forEach((loc, i) => {
    const run = runs[i] as string;
    const placed = floating.rows.get(i);
    const read = readCells(placed ?? run, 7, rowSumOk);
    if (placed !== undefined) read.placed = true;
    requests[loc.key] = read.cells;
    rows.push({ key: loc.key, read, at: loc.start, run: placed ?? run });
    if (i === locs.length - 1) {
      const at = run ? c.indexOf(run, loc.end) : -1;
      end = at >= 0 ? at + run.length : loc.end;
      rest = read.rest;
    }
  });
  resolveByColumns(rows, requests);
  // Labels quoted in prose ("本年新收…上年结转…") are not a table: demand at least one number.
  if (!rows.some((r) => r.read.cells.some((v) => v !== null))) return null;
  return { requests, rows, end, rest, collapsedOther, unplaced: floating.unplaced };
}

const RESULT_KEYS = new Set<RequestRowKey>(T3_ROWS.slice(2).map((r) => r.key).concat(OTHER_SUB.map((r) => r.key), ["otherHandling"]));

/**
 * A squashed result row that fits several splits ("330000033" = 33/0/… or 3/30/…) is settled by
 * its columns when every other result row and (七)总计 are known there: the column must add up
 * (DOMAIN: (一)+…+(六) = (七)). Only a split that then is the only one is taken (never a guess);
 * one ambiguous row at a time, so two unknown rows never settle each other.
 */
function resolveByColumns(rows: RowRead[], requests: Requests): void {
  const ambiguous = rows.filter((r) => RESULT_KEYS.has(r.key) && r.read.how === "glued" && r.read.glued && r.read.glued.split.candidates > 1);
  if (ambiguous.length !== 1) return;
  const row = ambiguous[0] as RowRead;
  const total = requests.total;
  if (!total) return;
  const others = rows.filter((r) => RESULT_KEYS.has(r.key) && r !== row && (r.key !== "otherHandling" || !rows.some((o) => o.key === "other_other")));
  const want: (number | null)[] = [];
  for (let col = 0; col < 7; col++) {
    let v = total[col] ?? null;
    for (const o of others) {
      const x = o.read.cells[col];
      v = v === null || x === null || x === undefined ? null : v - x;
    }
    want.push(v !== null && v >= 0 ? v : null);
  }
  if (want.every((v) => v === null)) return;
  const glued = row.read.glued as NonNullable<ReadCells["glued"]>;
  const split = splitGlued(glued.raw, 7, (vals) => rowSumOk(vals) && vals.every((v, i) => want[i] === null || want[i] === v));
  if (split.candidates !== 1) return;
  row.read.cells = split.cells;
  row.read.glued = { raw: glued.raw, split, columns: true };
  requests[row.key] = split.cells;
}

const SEP_ROW_BREAK = / (?!\u00a6)(?<!\u00a6 )/;

/**
 * PDF→markdown text whose pipe rows lost their labels: the labels float on lines before the
 * table, so several labels in a row find no values and the last of them finds all the rows at
 * once ("10 ¦ 0 ¦ … ¦ 10 0 ¦ 0 ¦ …": cells joined by CELL_SEP, rows by a plain space). The rows
 * are placed on the labels by table order — only when there are exactly as many rows as labels
 * waiting; otherwise nothing is placed and the labels are reported as unplaced (a finding).
 */
function placeFloatingRows(runs: string[], longRun: (j: number) => string): { rows: Map<number, string>; unplaced: number } {
  const rows = new Map<number, string>();
  let unplaced = 0;
  let i = 0;
  while (i < runs.length) {
    let j = i;
    while (j < runs.length && runs[j] === "") j++;
    if (j >= runs.length) break;
    const waiting = j - i + 1;
    if (waiting >= 2 && (runs[j] as string).includes("\u00a6")) {
      const run = longRun(j);
      const split = run.split(SEP_ROW_BREAK).filter((r) => r.trim() !== "");
      if (split.length === waiting) split.forEach((r, n) => rows.set(i + n, r));
      else unplaced += waiting - 1;
    }
    i = j + 1;
  }
  return { rows, unplaced };
}
