/**
 * Text helpers for the narrative and structure rules. The parser hands over text already in
 * Simplified Chinese with half-width digits; these helpers only deal with layout noise
 * (PDF line wraps, "- 2 -" page numbers, spaces around numbers such as "17 件").
 */

/** PDF page-number lines such as "- 3 -" or "—3—". */
const PAGE_NUMBER = /^\s*[-—–]\s*\d{1,3}\s*[-—–]\s*$/;

/**
 * Lines of the text without page-number lines. Several rules ask for the same document's lines,
 * so the last result is cached: treat the array as read-only.
 */
export function lines(text: string): string[] {
  return memo(linesCache, text, () => (text.includes("\r") ? text.split(/\r\n|\r|\n/) : text.split("\n")).filter((l) => !PAGE_NUMBER.test(l)));
}

const LINE_END = /\r\n|\r|\n/g;

/** The first `n` of `lines(text)`, without splitting the whole text (titles sit at the top). */
export function headLines(text: string, n: number): string[] {
  const out: string[] = [];
  let pos = 0;
  while (out.length < n) {
    LINE_END.lastIndex = pos;
    const m = LINE_END.exec(text);
    const end = m ? m.index : text.length;
    const l = text.slice(pos, end);
    if (!PAGE_NUMBER.test(l)) out.push(l);
    if (!m) break;
    pos = end + m[0].length;
  }
  return out;
}

/**
 * The text with all whitespace removed (also joins PDF-wrapped lines). Numbers separated only
 * by spaces merge — fine for the narrative patterns, which always need a unit after the number.
 */
export function compact(text: string): string {
  // Without a page-number line (the quick test finds every line `lines` would drop), the
  // lines joined are the text itself minus its line breaks, which the whitespace pass removes.
  return memo(compactCache, text, () => (MAYBE_PAGE_NUMBER.test(text) ? lines(text).join("") : text).replace(/[\s\u3000\u00a0]+/g, ""));
}

/**
 * Hand compact() its result for `text` when the caller already has it (the parser derives it from
 * the tables' compact scan). Ignored when `text` has a page-number line, since compact() then
 * drops those lines first. The value must equal `text` with all whitespace removed.
 */
export function primeCompact(text: string, compacted: string): void {
  if (MAYBE_PAGE_NUMBER.test(text)) return;
  compactCache.key = text;
  compactCache.value = compacted;
}

/**
 * A page-number line anywhere in the text, in one scan: PAGE_NUMBER with "\s" read as whitespace
 * but a line break, and "^…$" as the line boundaries `lines` splits on.
 */
const MAYBE_PAGE_NUMBER = (() => {
  const sp = "[\\t\\v\\f \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]*";
  return new RegExp(`(?:^|[\\r\\n])${sp}[-—–]${sp}\\d{1,3}${sp}[-—–]${sp}(?=[\\r\\n]|$)`);
})();

/** Sentences of the compacted text, split on 。！？；. */
export function compactSentences(text: string): string[] {
  return memo(sentenceCache, text, () => nonEmpty(compact(text).split(SENTENCE_SPLIT)));
}

const SENTENCE_SPLIT = /[。！？；!?;]/;

/** The non-empty strings, in order (a loop: filter's callback is slow on hundreds of pieces). */
function nonEmpty(parts: string[]): string[] {
  const out: string[] = [];
  for (const p of parts) if (p.length > 0) out.push(p);
  return out;
}

/**
 * One-entry caches: every rule family reads the same document in turn, so remembering the last
 * input halves checkReport's time. The results are immutable by convention (callers only read).
 */
export interface Memo<T> {
  key: string | null;
  value: T | null;
}
const linesCache: Memo<string[]> = { key: null, value: null };
const compactCache: Memo<string> = { key: null, value: null };
const sentenceCache: Memo<string[]> = { key: null, value: null };

/** Return the cached value for `key`, computing it on a miss. */
export function memo<T>(cache: Memo<T>, key: string, compute: () => T): T {
  if (cache.key === key && cache.value !== null) return cache.value;
  const value = compute();
  cache.key = key;
  cache.value = value;
  return value;
}

/** A fresh one-entry cache for memo(). */
export function newMemo<T>(): Memo<T> {
  return { key: null, value: null };
}

const SENTENCE_END = /[。！？；：:!?;]$/;

/**
 * Sentences for the repetition measure: split on 。！？； and line breaks, after re-joining lines
 * that a PDF wrapped at a fixed width (a line as long as the page width, not ending a sentence,
 * continues on the next line).
 */
export function sentencesForRepetition(text: string): string[] {
  const ls = lines(text).map((l) => l.trim());
  const long = ls.filter((l) => l.length >= 10).map((l) => l.length).sort((a, b) => a - b);
  let width = Infinity;
  if (long.length >= 10) {
    const p90 = long[Math.floor(long.length * 0.9)] ?? Infinity;
    // Wrapped layouts have a narrow, regular width; unwrapped text has paragraphs of any length.
    if (p90 <= 60) width = p90 - 4;
  }
  const joined: string[] = [];
  let cur = "";
  for (const l of ls) {
    cur += l;
    if (!(l.length >= width && !SENTENCE_END.test(l))) {
      joined.push(cur);
      cur = "";
    }
  }
  if (cur) joined.push(cur);
  return joined.flatMap((l) => l.split(/[。！？；!?;]/));
}

/** Cut a long sentence around a position for quoting in a message. */
export function quote(sentence: string, at = 0, max = 80): string {
  if (sentence.length <= max) return sentence;
  const start = Math.max(0, Math.min(at - Math.floor(max / 2), sentence.length - max));
  return (start > 0 ? "…" : "") + sentence.slice(start, start + max) + (start + max < sentence.length ? "…" : "");
}
