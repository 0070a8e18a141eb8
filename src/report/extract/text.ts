/**
 * Plain text (archiver page.txt, mirror copies, markdown) → the scan form the layouts read:
 * pipes and tabs become cell gaps, markdown rule rows and page numbers go. Pure.
 */
import type { ExtractedText } from "./html.js";

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

/**
 * Normalised text → text + scan. In the scan, "|" and tabs are cell gaps (spaces): the layouts
 * read a row as its label followed by numbers, whatever separated them.
 */
export function textToText(normalised: string): ExtractedText {
  const text = dropNoiseLines(normalised);
  // Two literal replaceAll passes, each only when needed, beat one regex pass that stops at
  // every pipe (pipe-per-cell texts have thousands).
  const piped = text.includes("|") ? text.replaceAll("|", " ") : text;
  const scan = piped.includes("\t") ? piped.replaceAll("\t", " ") : piped;
  return { text, scan };
}
