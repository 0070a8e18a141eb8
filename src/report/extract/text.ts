/**
 * Plain text (archiver page.txt, mirror copies, markdown) → the scan form the layouts read:
 * pipes and tabs become cell gaps, markdown rule rows and page numbers go. Pure.
 */
import type { ExtractedText } from "./html.js";
import { BLANK } from "./html.js";

/** Cell boundary drawn by the source (layouts/scan.ts CELL_SEP; kept in sync by a test). */
const CELL_SEP = "\u00a6";

// "| --- | :---: |" or "---\t---": markdown/table rule rows carry no cells.
const RULE_ROW = /^[\s|:+]*-{3,}[\s|:+-]*$/;
// Page numbers printed inside tables: "-3-", "- 12 -", "第 3 页", "3/12".
const PAGE_NO = /^\s*(?:[-—–]\s*\d{1,3}\s*[-—–]|第\s*\d{1,3}\s*页(?:\s*[,/]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*\/\s*\d{1,3})\s*$/;

// PAGE_NO or RULE_ROW as a whole line of the text, in one scan: the same patterns with "\s" read
// as "whitespace but \n" (a line holds no \n) and "^…$" as line boundaries.
const SP = "\\t\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff";
const NOISE_LINE = new RegExp(
  `(?:^|\\n)(?:[${SP}]*(?:[-—–][${SP}]*\\d{1,3}[${SP}]*[-—–]|第[${SP}]*\\d{1,3}[${SP}]*页(?:[${SP}]*[,/]?[${SP}]*共[${SP}]*\\d{1,3}[${SP}]*页)?|\\d{1,3}[${SP}]*\\/[${SP}]*\\d{1,3})[${SP}]*|[${SP}|:+]*-{3,}[${SP}|:+-]*)(?=\\n|$)`,
);

/** Drop page-number lines and table rule rows (used for text and PDF text layers). */
export function dropNoiseLines(text: string): string {
  // Most texts have neither: skip the split and join (an identity then).
  if (!NOISE_LINE.test(text)) return text;
  return text
    .split("\n")
    .filter((l) => !PAGE_NO.test(l) && !RULE_ROW.test(l))
    .join("\n");
}

// A cell that holds a value (number, blank marker) rather than a label.
const VALUE_CELL = /^(?:-?\d+(?:\.\d+)?|[/\-—–－]+|\u2205)$/;
// A page mark printed into a table row by a PDF converter: "— 5 —", "-3-", "第 3 页".
const PAGE_CELL = /^(?:[-—–]\s*\d{1,3}\s*[-—–]|第\s*\d{1,3}\s*页)$/;
// Units a converter leaves inside numeric cells ("12个", "3802895.90元").
const CELL_UNIT = /^(-?\d+(?:\.\d+)?)\s*(?:个|件|项|条|次|家|人次|万元|元)$/;

/**
 * One markdown pipe row ("| 规章 | 0 | | 3 |", with or without the outer pipes) → scan text:
 * blank cells after the first value become BLANK (a blank is still a cell), blank cells before
 * it are layout (colspans) and go, page marks go, and two value cells are joined by CELL_SEP so
 * that the layouts never glue them into one digit string. Label cells are joined by a space, so
 * a label split over cells ("(六)其 | 他处理") reads whole again.
 */
export function pipeRowToScan(line: string): string {
  const parts = line.split("|");
  if (parts[0]?.trim() === "") parts.shift();
  if (parts.length > 0 && parts[parts.length - 1]?.trim() === "") parts.pop();
  const cells: string[] = [];
  // A row with no label cell at all (its label floats on a line above, PDF→markdown): every
  // blank is a cell. Otherwise blanks before the first value are colspan layout.
  let seenValue = parts.every((p) => {
    const t = p.trim();
    return t === "" || VALUE_CELL.test(t) || PAGE_CELL.test(t) || CELL_UNIT.test(t);
  });
  for (const p of parts) {
    let t = p.trim();
    if (PAGE_CELL.test(t)) continue;
    const u = CELL_UNIT.exec(t);
    if (u?.[1]) t = u[1];
    if (t === "") {
      if (seenValue) cells.push(BLANK);
      continue;
    }
    if (VALUE_CELL.test(t)) seenValue = true;
    cells.push(t);
  }
  let out = "";
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i] as string;
    if (i > 0) out += VALUE_CELL.test(c) && VALUE_CELL.test(cells[i - 1] as string) ? ` ${CELL_SEP} ` : " ";
    out += c;
  }
  return out;
}

/** A line that is a pipe row: at least two pipes and a value cell between them. */
function isPipeRow(line: string): boolean {
  const first = line.indexOf("|");
  if (first < 0 || line.indexOf("|", first + 1) < 0) return false;
  // "| | | |": a markdown row of blank cells.
  const t = line.trim();
  if (t.startsWith("|") && t.endsWith("|") && /^\|(?:\s+\|){2,}$/.test(t)) return true;
  return /\|\s*-?\d/.test(line) || /\d\s*(?:个|件|项|元)?\s*\|/.test(line);
}

/**
 * Normalised text → text + scan. In the scan, "|" and tabs are cell gaps (spaces): the layouts
 * read a row as its label followed by numbers, whatever separated them.
 */
export function textToText(normalised: string): ExtractedText {
  const text = dropNoiseLines(normalised);
  // Two literal replaceAll passes, each only when needed, beat one regex pass that stops at
  // every pipe (pipe-per-cell texts have thousands).
  const piped = text.includes("|")
    ? text
        .split("\n")
        .map((l) => (isPipeRow(l) ? pipeRowToScan(l) : l.replaceAll("|", " ")))
        .join("\n")
    : text;
  const scan = piped.includes("\t") ? piped.replaceAll("\t", " ") : piped;
  return { text, scan };
}
