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

const HEADER_HINT = /(?:标题|名称|题名)\s*[:：]/;

/** The title: archiver "标题:" header, else the first line naming a 年度报告 (two lines in PDFs). */
export function findTitle(text: string, htmlTitle?: string | null, chrome: readonly string[] = []): string | null {
  const top = text.slice(0, 5000);
  // The unanchored test is a quick scan; the multiline pattern tries every position.
  const header = HEADER_HINT.test(top) ? /^\s*(?:标题|名称|题名)\s*[:：]\s*(.+)$/m.exec(top) : null;
  if (header?.[1] && TITLE_CORE.test(header[1])) return cleanTitle(header[1]);
  // Markdown heading marks and list bullets are not part of a title.
  // A page's <title> names this report; the first matching body line may be a sidebar link.
  if (htmlTitle && TITLE_CORE.test(htmlTitle)) return cleanTitle(htmlTitle);
  const lines = text.split("\n", 80);
  // Lines are cleaned as the loop reaches them: the title is usually among the first few.
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    // TITLE_CORE needs 年 and 报; cleaning only removes characters, so a line without them
    // cannot match (most lines: skip the cleaning and the pattern).
    if (!raw.includes("年")) continue;
    let l = cleanLine(raw);
    if (l.length > 80) continue;
    if (!TITLE_CORE.test(l)) {
      // A title wrapped over two lines: "…2022年政府信息公开工作" / "年度报告".
      const next = i + 1 < lines.length ? cleanLine(lines[i + 1] as string) : "";
      const joined = l + next;
      if (!next || next.length > 20 || joined.length > 80 || !TITLE_CORE.test(joined)) continue;
      l = joined;
    }
    const before = i > 0 ? cleanLine(lines[i - 1] as string) : "";
    let t = l;
    // PDF title pages break "洪泽区人民政府 / 2023年政府信息公开工作年度报告" over two lines.
    const m = TITLE_CORE.exec(t);
    if (m && m.index === 0 && i > 0) {
      const prev = before.trim();
      if (prev && prev.length <= 30 && !/[。,，;；:：]/.test(prev) && /[\u4e00-\u9fff]$/.test(prev)) t = prev + t;
    }
    return cleanTitle(t);
  }
  // The page chrome: <meta name="ArticleTitle">, headings.
  for (const c of chrome) if (TITLE_CORE.test(c)) return cleanTitle(c);
  return null;
}

/** Agency from a portal's 来源 / 发布机构 line ("来源：平潭县人民政府"), when nothing else names it. */
export function agencyFromSourceLine(text: string): string | null {
  const m = /(?:来源|发布机构|信息来源|发文机关)\s*[:：]\s*([\u4e00-\u9fff]{2,30}?)(?=\s|$|[|,，。;；]|发布|时间|日期)/m.exec(text.slice(0, 5000));
  return m?.[1] ?? null;
}

/** A line without its edge spaces, markdown heading marks, list bullets and bold marks. */
function cleanLine(line: string): string {
  return line.trim().replace(/^(?:#{1,6}|[>*•-])\s*/, "").replace(/\*\*/g, "");
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

/** The four municipalities under the central government: their districts are named "<市><区>". */
const MUNICIPALITIES = ["北京", "天津", "上海", "重庆"] as const;

// "2021年,区政务服务办以…": a level (区/县/市) and an office opening a sentence as its subject.
const SELF_SUBJECT =
  /(?:^|[。;；\n])[ \t]*(?:\d{4}年(?:度|以来)?[,，]?[ \t]*)?([区县市])([\u4e00-\u9fff]{2,10}?(?:办公室|办|局|委员会|委|中心))(?:以|坚持|认真|深入|严格|按照|根据|围绕|持续|进一步|全面|紧紧|始终|不断)/gm;
// Portals and platforms an office names after its place: "武清政务网", "武清旗舰店".
// "人民政府网" comes first so that "沭阳县人民政府网" gives 沭阳县, not 人民.
const PORTAL = /([\u4e00-\u9fff]{2,4}?)(?:人民政府网|政务网|政府网|政务服务网|旗舰店)/g;
/** Each municipality named as a place (compiled once, in MUNICIPALITIES order). */
const MUNICIPALITY_AS_PLACE = MUNICIPALITIES.map((c) => new RegExp(`${c}(?:市|网上办事大厅|政务网|政府网|政务服务网|政务服务中心)`));
/** Words that precede a portal name without being a place. */
const NOT_PLACES = new Set(["人民", "中国", "国家", "全国", "中央", "政府", "本级", "省级", "市级", "县级", "区级"]);

/** Whether `s` occurs at least `min` times (non-overlapping); stops counting once it does. */
function occursAtLeast(text: string, s: string, min: number): boolean {
  let n = 0;
  for (let i = text.indexOf(s); i >= 0; i = text.indexOf(s, i + s.length)) if (++n >= min) return true;
  return n >= min;
}

/**
 * Agency from the body when the report names itself only by level and office ("2021年,区政务服务办
 * 以…", seed 004 天津市武清区): the office that opens a sentence as its subject and recurs in the
 * text; the place from the portals it runs ("武清政务网") — the longest ending of the words before
 * the portal that the text repeats; for a district, the municipality (北京/天津/上海/重庆) the
 * text names as a place ("天津网上办事大厅"). "…办" is the short form of "…办公室". Null unless every part is unambiguous.
 */
export function agencyFromSelfReference(text: string): string | null {
  const head = text.slice(0, 20_000);
  const subjects = new Set<string>();
  let level = "";
  let office = "";
  SELF_SUBJECT.lastIndex = 0;
  for (let m = SELF_SUBJECT.exec(head); m !== null; m = SELF_SUBJECT.exec(head)) {
    level = m[1] as string;
    office = m[2] as string;
    subjects.add(level + office);
  }
  if (subjects.size !== 1 || !occursAtLeast(head, office, 2)) return null;

  const places = new Set<string>();
  PORTAL.lastIndex = 0;
  for (let m = PORTAL.exec(head); m !== null; m = PORTAL.exec(head)) {
    const before = m[1] as string;
    let place: string | null = null;
    for (let len = before.length; len >= 2 && place === null; len--) {
      const tail = before.slice(before.length - len);
      if (occursAtLeast(head, tail, 2)) place = tail;
    }
    if (place && !NOT_PLACES.has(place) && !(MUNICIPALITIES as readonly string[]).includes(place)) places.add(place);
  }
  if (places.size !== 1) return null;
  const place = [...places][0] as string;
  const named = /[区县市旗]$/.test(place) ? place : head.includes(`${place}新区`) ? `${place}新区` : place + level;
  // The municipality counts when named as a place: "天津市", or before a platform ("天津网上办事大厅").
  const cities = MUNICIPALITIES.filter((_, i) => (MUNICIPALITY_AS_PLACE[i] as RegExp).test(head));
  const parent = level === "区" && cities.length === 1 && !named.startsWith(cities[0] as string) ? `${cities[0] as string}市` : "";
  return parent + named + office.replace(/办$/, "办公室");
}

/** Everything at once. `fallbackPublishedAt` is ParseInput.publishedAt (e.g. the listing date). */
export function extractMeta(text: string, htmlTitle?: string | null, fallbackPublishedAt?: string | null, chrome: readonly string[] = []): ReportMeta {
  const title = findTitle(text, htmlTitle, chrome);
  const agency = (title ? agencyFromTitle(title) : null) ?? agencyFromBody(text) ?? agencyFromSelfReference(text) ?? agencyFromSourceLine(text);
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
