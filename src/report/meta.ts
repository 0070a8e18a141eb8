/**
 * Report metadata from the normalised text: title, agency, report year, 统计期限 and 发布时间.
 * Archiver headers ("标题: …", "发布时间: 2020-01-20 15:22") come first; then the title line of
 * the document; then the body. Pure.
 */

/** What the text says about itself. */
export interface ReportMeta {
  title: string | null;
  agency: string | null;
  year: number | null;
  /** Year of the 统计期限 sentence ("统计期限自2019年1月1日起至2019年12月31日止"). */
  periodYear: number | null;
  /** ISO date (YYYY-MM-DD). */
  publishedAt: string | null;
}

const TITLE_CORE = /(\d{4})\s*年\s*度?\s*(?:的)?\s*(?:政府)?\s*(?:信息公开|政务公开|政府信息公开)\s*(?:工作)?\s*(?:年度)?\s*(?:工作)?\s*(?:报告|年报)/;
const YEAR_OK = (y: number): boolean => y >= 2000 && y <= 2100;

function iso(y: string, m: string, d: string): string | null {
  const yy = Number(y);
  const mm = Number(m);
  const dd = Number(d);
  if (!YEAR_OK(yy) || mm < 1 || mm > 12 || dd < 1 || dd > 31) return null;
  return `${yy}-${String(mm).padStart(2, "0")}-${String(dd).padStart(2, "0")}`;
}

/** The published date stated in the page: 发布时间 / 发布日期 / 公开日期 / 成文日期. */
export function findPublishedAt(text: string): string | null {
  const m = /(?:发布时间|发布日期|公开日期|发文日期|成文日期)\s*[:：]?\s*(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})/.exec(text.slice(0, 20_000));
  return m ? iso(m[1] as string, m[2] as string, m[3] as string) : null;
}

/** The title: archiver "标题:" header, else the first line naming a 年度报告 (two lines in PDFs). */
export function findTitle(text: string, htmlTitle?: string | null): string | null {
  const header = /^\s*(?:标题|名称|题名)\s*[:：]\s*(.+)$/m.exec(text.slice(0, 5000));
  if (header?.[1] && TITLE_CORE.test(header[1])) return cleanTitle(header[1]);
  // Markdown heading marks and list bullets are not part of a title.
  // A page's <title> names this report; the first matching body line may be a sidebar link.
  if (htmlTitle && TITLE_CORE.test(htmlTitle)) return cleanTitle(htmlTitle);
  const lines = text.split("\n", 80).map((l) => l.trim().replace(/^(?:#{1,6}|[>*•-])\s*/, "").replace(/\*\*/g, ""));
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as string;
    if (l.length > 80 || !TITLE_CORE.test(l)) continue;
    let t = l;
    // PDF title pages break "洪泽区人民政府 / 2023年政府信息公开工作年度报告" over two lines.
    const m = TITLE_CORE.exec(t);
    if (m && m.index === 0 && i > 0) {
      const prev = (lines[i - 1] as string).trim();
      if (prev && prev.length <= 30 && !/[。,，;；:：]/.test(prev) && /[\u4e00-\u9fff]$/.test(prev)) t = prev + t;
    }
    return cleanTitle(t);
  }
  return null;
}

function cleanTitle(t: string): string {
  let s = t.replace(/\s+/g, "").trim();
  // "…年度报告-沭阳县发改局" (site suffix), "…年度报告_政府信息公开" …
  const m = /^(.*?(?:报告|年报))(?:[-_|—].*)?$/.exec(s);
  if (m?.[1]) s = m[1];
  return s.slice(0, 120);
}

/** Agency = the title minus the year and "政府信息公开工作年度报告" (keep what the document says). */
export function agencyFromTitle(title: string): string | null {
  const m = TITLE_CORE.exec(title);
  if (!m) return null;
  const a = title.slice(0, m.index).replace(/(?:关于|发布|公布)$/, "").replace(/^[\s《“"]+|[\s》”"]+$/g, "");
  return a.length >= 2 ? a : null;
}

/** Agency named in the body ("本报告由横峰县人民政府办公室编制"), when the title gives none. */
export function agencyFromBody(text: string): string | null {
  const m = /本(?:年度)?报告(?:由|是)([\u4e00-\u9fff]{3,30}?)(?:根据|依据|按照|编制|负责|汇总|会同)/.exec(text.slice(0, 5000));
  return m?.[1] ?? null;
}

/** Everything at once. `fallbackPublishedAt` is ParseInput.publishedAt (e.g. the listing date). */
export function extractMeta(text: string, htmlTitle?: string | null, fallbackPublishedAt?: string | null): ReportMeta {
  const title = findTitle(text, htmlTitle);
  const agency = (title ? agencyFromTitle(title) : null) ?? agencyFromBody(text);
  const period = /统计(?:期限|时限|时间|区间|周期)[^。\d]{0,12}(\d{4})\s*年\s*1\s*月\s*1\s*日/.exec(text);
  const periodYear = period?.[1] && YEAR_OK(Number(period[1])) ? Number(period[1]) : null;
  let year: number | null = null;
  const ty = title ? TITLE_CORE.exec(title) : null;
  if (ty?.[1] && YEAR_OK(Number(ty[1]))) year = Number(ty[1]);
  year ??= periodYear;
  if (year === null) {
    const b = TITLE_CORE.exec(text.slice(0, 5000));
    if (b?.[1] && YEAR_OK(Number(b[1]))) year = Number(b[1]);
  }
  let publishedAt = findPublishedAt(text);
  if (!publishedAt && fallbackPublishedAt) {
    const f = /^(\d{4})-(\d{1,2})-(\d{1,2})/.exec(fallbackPublishedAt);
    publishedAt = f ? iso(f[1] as string, f[2] as string, f[3] as string) : null;
  }
  return { title, agency, year, periodYear, publishedAt };
}
