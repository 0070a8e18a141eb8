/**
 * Plain text (archiver page.txt, mirror copies, markdown) → the scan form the layouts read:
 * pipes and tabs become cell gaps, markdown rule rows and page numbers go. Pure.
 */
import type { ExtractedText } from "./html.js";

// "| --- | :---: |" or "---\t---": markdown/table rule rows carry no cells.
const RULE_ROW = /^[\s|:+]*-{3,}[\s|:+-]*$/;
// Page numbers printed inside tables: "-3-", "- 12 -", "第 3 页", "3/12".
const PAGE_NO = /^\s*(?:[-—–]\s*\d{1,3}\s*[-—–]|第\s*\d{1,3}\s*页(?:\s*[,/]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*\/\s*\d{1,3})\s*$/;

/** Drop page-number lines and table rule rows (used for text and PDF text layers). */
export function dropNoiseLines(text: string): string {
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
  const scan = text.replace(/[|\t]/g, " ");
  return { text, scan };
}
