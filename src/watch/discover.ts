/**
 * Discovery without per-site code: pure functions over a page's HTML and its URL.
 *
 * Government CMSs (TRS WCM, 大汉, 政务公开平台 …) differ, but their 年报 columns share habits:
 * link titles carry "年度报告"/"年报" and a year, pagination is "下一页" or index_1.html built by a
 * `createPageHTML(total, current, "index", "html")` script, and the article page either holds the
 * tables or links a PDF/DOC(X) attachment. Optional per-portal `selectors` cover the rest.
 */
import * as cheerio from "cheerio";
import type { PortalEntry } from "../store/types.js";

/** A candidate report link found on a list page. */
export interface ReportLink {
  /** Absolute, canonical URL. */
  url: string;
  /** Link text (or title attribute), whitespace-collapsed. */
  title: string;
  /** Report year read from the title, when present. */
  year: number | null;
}

/** Query parameters that only track where a click came from. */
const TRACKING = /^(utm_[a-z]+|spm|from|source|share|sharesource|isappinstalled|timestamp|_t|t|fbclid|gclid)$/i;

/**
 * Canonical form used to recognise a report across cycles: lowercase scheme and host, default
 * port dropped, fragment and tracking parameters removed, remaining parameters sorted.
 * Returns null for a string that is not an http(s) URL.
 */
export function canonicalUrl(raw: string, base?: string): string | null {
  let u: URL;
  try {
    u = base ? new URL(raw, base) : new URL(raw);
  } catch {
    return null;
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return null;
  u.hash = "";
  u.hostname = u.hostname.toLowerCase();
  if ((u.protocol === "http:" && u.port === "80") || (u.protocol === "https:" && u.port === "443")) u.port = "";
  const keep = [...u.searchParams.entries()].filter(([k]) => !TRACKING.test(k)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  u.search = "";
  for (const [k, v] of keep) u.searchParams.append(k, v);
  if (u.pathname === "") u.pathname = "/";
  return u.href;
}

/** "www.a.gov.cn" and "a.gov.cn" are one site; a report never lives on another site. */
export function sameSite(a: string, b: string): boolean {
  try {
    const ha = new URL(a).hostname.toLowerCase().replace(/^www\./, "");
    const hb = new URL(b).hostname.toLowerCase().replace(/^www\./, "");
    return ha === hb;
  } catch {
    return false;
  }
}

const clean = (s: string) => s.replace(/[\s\u00a0\u3000]+/g, " ").trim();

/** Titles that are a 年报 (政府信息公开 annual report). */
const REPORT_TITLE = /(年度报告|年报|年度工作报告)/;
/** Obvious non-reports that share the words: plans, notices, interpretations, graphics. */
const NOT_REPORT = /(工作要点|要点|通知|方案|计划|解读|图解|一图读懂|图文|征求意见|目录|指南|制度|办法|考核|测评|评估|通报|统计公报|国民经济)/;
const REPORT_URL = /(nb|ndbg|nianbao|gknb|xxgknb)/i;

/** Reads the report year from a title: "2023年度", "2023年", or a bare 20xx. */
export function yearFromTitle(title: string): number | null {
  const m = /((?:19|20)\d{2})\s*年/.exec(title) ?? /((?:19|20)\d{2})/.exec(title);
  if (!m) return null;
  const y = Number(m[1]);
  return y >= 1990 && y <= 2100 ? y : null;
}

/** Whether a link title looks like a 年报 (and not a plan or notice about one). */
export function isReportTitle(title: string, url = ""): boolean {
  if (NOT_REPORT.test(title)) return false;
  if (REPORT_TITLE.test(title)) return true;
  // Generic titles ("2023年度") inside a 年报 column path are reports too.
  return yearFromTitle(title) !== null && /年度?/.test(title) && REPORT_URL.test(url) && title.length <= 40;
}

function linkTitle($: cheerio.CheerioAPI, el: Parameters<cheerio.CheerioAPI>[0]): string {
  const $el = $(el);
  const text = clean($el.text());
  const attr = clean($el.attr("title") ?? "");
  // Lists often truncate text ("平潭综合实验区2023年度政府信息…") and keep the full title in @title.
  return attr.length > text.length ? attr : text;
}

/**
 * Report links on a list page, same-site only, deduplicated by canonical URL, in page order.
 * With `selectors.link` only matching anchors are considered (inside `selectors.list` if given).
 */
export function extractReportLinks(html: string, pageUrl: string, selectors?: PortalEntry["selectors"]): ReportLink[] {
  return linksIn(cheerio.load(html), pageUrl, selectors);
}

/** A list page read once: its report links and the next page (one HTML parse for both). */
export function scanListPage(
  html: string,
  pageUrl: string,
  selectors?: PortalEntry["selectors"],
): { links: ReportLink[]; next: string | null } {
  const $ = cheerio.load(html);
  return { links: linksIn($, pageUrl, selectors), next: nextIn($, html, pageUrl, selectors) };
}

function linksIn($: cheerio.CheerioAPI, pageUrl: string, selectors?: PortalEntry["selectors"]): ReportLink[] {
  const scope = selectors?.list ? $(selectors.list) : $.root();
  const anchors = selectors?.link ? scope.find(selectors.link) : scope.find("a[href]");
  const out: ReportLink[] = [];
  const seen = new Set<string>();
  anchors.each((_, el) => {
    const href = $(el).attr("href");
    if (!href || /^(javascript:|mailto:|#)/i.test(href.trim())) return;
    const url = canonicalUrl(href.trim(), pageUrl);
    if (!url || !sameSite(url, pageUrl) || seen.has(url)) return;
    if (/\.(jpg|jpeg|png|gif|zip|rar|xls|xlsx)$/i.test(new URL(url).pathname)) return;
    const title = linkTitle($, el);
    if (!selectors?.link && !isReportTitle(title, url)) return;
    // The column's own link (and links back to list pages) are not reports.
    if (canonicalUrl(pageUrl) === url) return;
    seen.add(url);
    out.push({ url, title, year: yearFromTitle(title) });
  });
  return out;
}

/**
 * The next list page, or null: a "下一页" link, else the createPageHTML(total, current, prefix,
 * suffix) script of TRS sites (page 0 = index.html, page n = index_n.html).
 */
export function findNextPage(html: string, pageUrl: string, selectors?: PortalEntry["selectors"]): string | null {
  return nextIn(cheerio.load(html), html, pageUrl, selectors);
}

function nextIn($: cheerio.CheerioAPI, html: string, pageUrl: string, selectors?: PortalEntry["selectors"]): string | null {
  const here = canonicalUrl(pageUrl);
  let found: string | null = null;
  const candidates = selectors?.next ? $(selectors.next) : $("a[href]");
  candidates.each((_, el) => {
    if (found) return;
    const text = clean($(el).text());
    if (!selectors?.next && !/^(下一页|下页|后一页|next\s*page|next|›|>)$/i.test(text) && !/下一页/.test(text)) return;
    const href = $(el).attr("href");
    if (!href || /^(javascript:|#)/i.test(href.trim())) return;
    const u = canonicalUrl(href.trim(), pageUrl);
    if (u && u !== here && sameSite(u, pageUrl)) found = u;
  });
  if (found) return found;
  const m = /createPageHTML\(\s*['"]?(\d+)['"]?\s*,\s*['"]?(\d+)['"]?\s*,\s*['"]([\w-]+)['"]\s*,\s*['"](\w+)['"]/.exec(html);
  if (m) {
    const total = Number(m[1]);
    const current = Number(m[2]);
    if (current + 1 < total) return canonicalUrl(`${m[3]}_${current + 1}.${m[4]}`, pageUrl);
  }
  return null;
}

/** An attachment (PDF / DOC / DOCX / WPS) linked from an article page. */
export interface Attachment {
  url: string;
  title: string;
  ext: "pdf" | "doc" | "docx" | "wps";
}

/** Attachments linked from an article page, PDFs first, same-site or not (CDNs serve files). */
export function findAttachments(html: string, pageUrl: string): Attachment[] {
  const $ = cheerio.load(html);
  const out: Attachment[] = [];
  const seen = new Set<string>();
  $("a[href], iframe[src], embed[src], object[data]").each((_, el) => {
    const $el = $(el);
    const href = $el.attr("href") ?? $el.attr("src") ?? $el.attr("data");
    if (!href) return;
    const url = canonicalUrl(href.trim(), pageUrl);
    if (!url || seen.has(url)) return;
    const title = clean($el.text()) || clean($el.attr("title") ?? "");
    const path = new URL(url).pathname.toLowerCase();
    const m = /\.(pdf|docx|doc|wps)$/.exec(path) ?? /\.(pdf|docx|doc|wps)$/i.exec(title);
    if (!m) return;
    seen.add(url);
    out.push({ url, title, ext: m[1]!.toLowerCase() as Attachment["ext"] });
  });
  const rank = { pdf: 0, docx: 1, doc: 2, wps: 3 } as const;
  return out.sort((a, b) => rank[a.ext] - rank[b.ext]);
}

/** Whether the HTML holds a data table (a 年报 article page that needs no attachment). */
export function hasTables(html: string): boolean {
  const $ = cheerio.load(html);
  return $("table").toArray().some((t) => $(t).find("td").length >= 12);
}

/** Link texts that name a 年报 column, strongest first. */
const COLUMN_TEXTS = [/政府信息公开(工作)?年(度)?报(告)?/, /信息公开年度报告/, /信息公开年报/, /^年度报告$/, /年报/];

/**
 * On a home or 政务公开 page, the link to the 年报 column (a link whose text names the column and
 * carries no year, i.e. is not a single report), or null.
 */
export function findColumnLink(html: string, pageUrl: string): string | null {
  const $ = cheerio.load(html);
  const links = $("a[href]")
    .toArray()
    .map((el) => ({ text: linkTitle($, el), href: $(el).attr("href") ?? "" }))
    .filter((l) => l.text.length > 0 && l.text.length <= 30 && yearFromTitle(l.text) === null && !NOT_REPORT.test(l.text));
  for (const re of COLUMN_TEXTS) {
    for (const l of links) {
      if (!re.test(l.text)) continue;
      const u = canonicalUrl(l.href.trim(), pageUrl);
      if (u && sameSite(u, pageUrl) && u !== canonicalUrl(pageUrl)) return u;
    }
  }
  return null;
}

/** Link to a 政务公开 / 信息公开 section (a step on the way from a home page to the column). */
export function findOpenGovLink(html: string, pageUrl: string): string | null {
  const $ = cheerio.load(html);
  for (const el of $("a[href]").toArray()) {
    const text = linkTitle($, el);
    if (!/^(政务公开|政府信息公开|信息公开|政府信息公开专栏|法定主动公开内容)$/.test(text)) continue;
    const u = canonicalUrl(($(el).attr("href") ?? "").trim(), pageUrl);
    if (u && sameSite(u, pageUrl) && u !== canonicalUrl(pageUrl)) return u;
  }
  return null;
}
