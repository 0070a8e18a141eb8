/**
 * Squashed-cell splitting. Some archivers' text extractions glue a table row's cells together
 * ("801000081" = 80/1/0/0/0/0/81, corpus reports 002–004). A glued string is split only as far as
 * the structure makes it unique: every split into `k` numbers without leading zeros that passes
 * the row's own check (e.g. 总计 = sum of the applicant columns) is enumerated, and a cell is
 * kept only when all surviving splits agree on it. Never invents a number. Pure and bounded.
 */

/** Result of a split: agreed cells (null where the splits disagree) and how many splits survived. */
export interface GluedSplit {
  cells: (number | null)[];
  /** Number of splits that passed `accept` (0: none did; 1: unique). */
  candidates: number;
  /** True when the search hit its work bound before finishing (cells are then all null). */
  truncated: boolean;
}

/** Longest number one cell may hold (digits, with a decimal part). */
const MAX_PART = 12;
/** Work bound: DFS steps per split. */
const MAX_STEPS = 200_000;
/** Longest glued string considered at all. */
export const MAX_GLUED_LENGTH = 64;

/** One cell's digits: no leading zero, at most one decimal part (isPart checks it by hand). */
export const PART = /^(?:0|[1-9]\d*)(?:\.\d+)?$/;

/**
 * Enumerate splits of `s` (digits, maybe one "." per part) into `k` numbers with no leading zeros,
 * keep those `accept` approves, and return the cells they agree on.
 */
export function splitGlued(s: string, k: number, accept: (vals: number[]) => boolean = acceptAll): GluedSplit {
  if (k <= 0 || s.length < k || s.length > MAX_GLUED_LENGTH || s.length > k * MAX_PART || !/^[\d.]+$/.test(s)) return noSplit(k, false, 0);
  const st: Search = { s, k, accept, steps: 0, truncated: false, count: 0, agreed: null, vals: [] };
  dfs(st, 0);
  if (st.truncated) return noSplit(k, true, st.count);
  if (st.count === 0 || !st.agreed) return noSplit(k, false, 0);
  return { cells: st.agreed, candidates: st.count, truncated: false };
}

// The search state and its steps live at module level rather than in closures: under tsx
// (keepNames) each named closure costs a defineProperty per call, and squashed reports split
// dozens of rows.
interface Search {
  s: string;
  k: number;
  accept: (vals: number[]) => boolean;
  steps: number;
  truncated: boolean;
  count: number;
  agreed: (number | null)[] | null;
  vals: number[];
}

function acceptAll(): boolean {
  return true;
}

function noSplit(k: number, truncated: boolean, candidates: number): GluedSplit {
  return { cells: Array<number | null>(k).fill(null), candidates, truncated };
}

function dfs(st: Search, pos: number): void {
  if (st.truncated) return;
  if (++st.steps > MAX_STEPS) {
    st.truncated = true;
    return;
  }
  const { s, k, vals } = st;
  const left = k - vals.length;
  if (left === 0) {
    if (pos !== s.length || !st.accept(vals)) return;
    st.count++;
    const agreed = st.agreed;
    if (!agreed) st.agreed = [...vals];
    else for (let i = 0; i < k; i++) if (agreed[i] !== vals[i]) agreed[i] = null;
    return;
  }
  const rest = s.length - pos;
  if (rest < left || rest > left * MAX_PART) return;
  const maxLen = Math.min(MAX_PART, rest - (left - 1));
  const c0 = s.charCodeAt(pos);
  if (!isDigit(c0)) return; // no part starts with "."
  // The candidate part s[pos, pos+len) grows one character per step, so whether it is a part
  // (isPart) and its value are kept up to date instead of re-read: the integer digits so far,
  // and where the "." is.
  let int = 0;
  let dot = -1;
  for (let len = 1; len <= maxLen; len++) {
    const ch = s.charCodeAt(pos + len - 1);
    let value: number;
    if (ch === 46) {
      if (dot >= 0) break; // a second ".": no longer part is valid either
      dot = len - 1;
      continue; // a part does not end with "."
    } else if (dot >= 0) {
      value = Number(s.slice(pos, pos + len));
    } else {
      if (len > 1 && c0 === 48) break; // leading zero: longer is worse
      int = int * 10 + (ch - 48);
      value = int;
    }
    vals.push(value);
    dfs(st, pos + len);
    vals.pop();
  }
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** PART.test(s.slice(a, b)) without the slice and the regex (the search's inner loop). */
export function isPart(s: string, a: number, b: number): boolean {
  const c = s.charCodeAt(a);
  if (!isDigit(c)) return false;
  let i = a + 1;
  if (c !== 48) while (i < b && isDigit(s.charCodeAt(i))) i++;
  if (i === b) return true;
  if (s.charCodeAt(i) !== 46) return false; // "."
  i++;
  if (i === b) return false;
  while (i < b && isDigit(s.charCodeAt(i))) i++;
  return i === b;
}

const eq = (a: number, b: number): boolean => Math.abs(a - b) < 1e-6;

/** 表三 row check: the six applicant columns add up to 总计 (column 7). */
export function rowSumOk(vals: number[]): boolean {
  let s = 0;
  for (let i = 0; i < 6; i++) s += vals[i] as number;
  return eq(s, vals[6] as number);
}

/** 表四 check: each block of five is 维持 + 纠正 + 其他 + 尚未审结 = 总计. */
export function reviewBlocksOk(vals: number[]): boolean {
  // Indexed reads, not a slice per block: the search calls this at every complete split.
  for (let b = 0; b + 4 < vals.length; b += 5) {
    if (!eq((vals[b] as number) + (vals[b + 1] as number) + (vals[b + 2] as number) + (vals[b + 3] as number), vals[b + 4] as number)) return false;
  }
  return true;
}
