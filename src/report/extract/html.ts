/**
 * HTML → normalised plain text, with each table row on its own line and cells separated by tabs.
 * Cell text is the concatenation of its runs (Word exports split "2023" into "20</span><span>23").
 * Pure (cheerio only).
 */
import * as cheerio from "cheerio";
import type { AnyNode, Element } from "domhandler";

/** Marks a blank table cell in the scan text: blank is null, and must still count as a cell. */
export const BLANK = "\u2205";

/** Extracted document: `text` for people and rules, `scan` (blank cells marked) for layouts. */
export interface ExtractedText {
  text: string;
  scan: string;
  /** `<title>` of an HTML page, when present. */
  htmlTitle?: string | null;
  /**
   * Other places a portal page names the article (its chrome): `<meta name="ArticleTitle">`,
   * og:title, h1–h3 — candidates for the title when the body's first lines do not give it.
   */
  chrome?: string[];
}

const BLOCK = new Set([
  "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article", "header",
  "footer", "blockquote", "pre", "hr", "dt", "dd", "dl", "center", "form", "caption", "ucapcontent", "address",
  "main", "nav", "aside", "figure", "figcaption",
]);
const SKIP = new Set(["script", "style", "noscript", "template", "head", "iframe", "object", "svg", "select", "button"]);

const NUMERICISH = /^[\d.,\s/\-—–－%]+$/;

/** Text of one cell: runs concatenated, whitespace collapsed; numbers lose inner whitespace. */
function cellText(el: Element): string {
  const parts: string[] = [];
  walkInline(el, parts);
  const t = parts.join("").replace(/\s+/g, " ").trim();
  return NUMERICISH.test(t) && /\d/.test(t) ? t.replace(/\s+/g, "") : t;
}

function walkInline(node: AnyNode, out: string[]): void {
  if (node.type === "text") {
    out.push((node as unknown as { data: string }).data);
    return;
  }
  if (node.type !== "tag" && node.type !== "root") return;
  const el = node as Element;
  const name = el.name?.toLowerCase();
  if (name && SKIP.has(name)) return;
  if (name && BLOCK.has(name)) out.push(" ");
  for (const c of el.children ?? []) walkInline(c, out);
  if (name && BLOCK.has(name)) out.push(" ");
}

function hasTable(el: Element): boolean {
  for (const c of el.children ?? []) {
    if (c.type !== "tag") continue;
    const e = c as Element;
    if (e.name.toLowerCase() === "table" || hasTable(e)) return true;
  }
  return false;
}

function rowsOf(table: Element): Element[][] {
  const rows: Element[][] = [];
  const visit = (n: Element): void => {
    for (const c of n.children ?? []) {
      if (c.type !== "tag") continue;
      const e = c as Element;
      const nm = e.name.toLowerCase();
      if (nm === "tr") rows.push((e.children ?? []).filter((x): x is Element => x.type === "tag" && /^(td|th)$/i.test((x as Element).name)));
      else if (nm === "thead" || nm === "tbody" || nm === "tfoot") visit(e);
    }
  };
  visit(table);
  return rows;
}

/**
 * A table as a rectangular grid with rowspan/colspan expanded: a spanned cell's text repeats in
 * every slot it covers (capped at 200 × 100 slots per span to bound hostile input).
 */
export function buildGrid(table: Element): string[][] {
  const grid: string[][] = [];
  const rows = rowsOf(table);
  rows.forEach((cells, r) => {
    grid[r] ??= [];
    let c = 0;
    for (const cell of cells) {
      const row = grid[r] as string[];
      while (row[c] !== undefined) c++;
      const rs = Math.min(200, Math.max(1, Number.parseInt(cell.attribs?.rowspan ?? "1", 10) || 1));
      const cs = Math.min(100, Math.max(1, Number.parseInt(cell.attribs?.colspan ?? "1", 10) || 1));
      const t = cellText(cell);
      for (let dr = 0; dr < rs && r + dr < rows.length; dr++) {
        const target = (grid[r + dr] ??= []);
        for (let dc = 0; dc < cs; dc++) target[c + dc] = t;
      }
      c += cs;
    }
  });
  const width = Math.max(0, ...grid.map((r) => r.length));
  return grid.map((r) => Array.from({ length: width }, (_, i) => r[i] ?? ""));
}

/** Parse an HTML table fragment or page and return the grid of its first table (tests, tools). */
export function gridFromHtml(html: string): string[][] {
  const $ = cheerio.load(html);
  const t = $("table").get(0);
  return t ? buildGrid(t as Element) : [];
}

/**
 * HTML → text + scan. Tables: one line per row, physical cells (no span duplication, which would
 * repeat blanks and numbers) separated by tabs; a blank cell is "" in `text`, BLANK in `scan`.
 */
export function htmlToText(html: string): ExtractedText {
  const $ = cheerio.load(html);
  const htmlTitle = $("title").first().text().replace(/\s+/g, " ").trim() || null;
  const chrome: string[] = [];
  for (const sel of ['meta[name="ArticleTitle"]', 'meta[property="og:title"]', 'meta[name="title"]']) {
    const v = $(sel).attr("content")?.replace(/\s+/g, " ").trim();
    if (v) chrome.push(v);
  }
  $("h1, h2, h3, .article_title, .title").slice(0, 12).each((_, el) => {
    const v = $(el).text().replace(/\s+/g, " ").trim();
    if (v && v.length <= 120) chrome.push(v);
  });
  const text: string[] = [];
  const scan: string[] = [];
  let line = "";
  const flush = (): void => {
    const l = line.replace(/[ \t\r\n]+/g, " ").trim();
    if (l) {
      text.push(l);
      scan.push(l);
    }
    line = "";
  };
  const walk = (node: AnyNode): void => {
    if (node.type === "text") {
      line += (node as unknown as { data: string }).data;
      return;
    }
    if (node.type !== "tag" && node.type !== "root") return;
    const el = node as Element;
    const name = el.name?.toLowerCase();
    if (name && SKIP.has(name)) return;
    if (name === "table") {
      flush();
      for (const cells of rowsOf(el)) {
        // Portal pages lay out whole pages with tables: a row whose cells hold tables is layout,
        // not data — walk its cells as blocks so the inner data tables keep their cells.
        if (cells.some(hasTable)) {
          for (const cell of cells) {
            walk(cell);
            flush();
          }
          continue;
        }
        const texts = cells.map(cellText);
        if (texts.length === 0) continue;
        text.push(texts.join("\t"));
        scan.push(texts.map((t) => (t === "" ? BLANK : t)).join("\t"));
      }
      return;
    }
    const block = name !== undefined && BLOCK.has(name);
    if (block) flush();
    for (const c of el.children ?? []) walk(c);
    if (block) flush();
  };
  const body = $("body").get(0) ?? $.root().get(0);
  if (body) walk(body as AnyNode);
  flush();
  return { text: text.join("\n"), scan: scan.join("\n"), htmlTitle, chrome };
}
