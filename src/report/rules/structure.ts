/**
 * Document structure: the six sections present, duplicated or misnumbered headings, numberless
 * placeholders in the narrative, and the report year against the title and 统计期限.
 */
import type { Finding, Report } from "../schema.js";
import { finding } from "./finding.js";
import { compact, headLines, memo, newMemo, quote } from "./text.js";

/** The six sections of the 2021 (and 2019) layout, with loose title patterns. */
export const SECTIONS = [
  { n: 1, numeral: "一", zh: "总体情况", en: "overview", title: /^(?:总体情况|概述)/ },
  { n: 2, numeral: "二", zh: "主动公开政府信息情况", en: "active disclosure", title: /^主动公开(?:政府)?信息(?:的)?(?:工作)?情况/ },
  { n: 3, numeral: "三", zh: "收到和处理政府信息公开申请情况", en: "requests received and handled", title: /^收到和处理(?:政府)?信息公开申请(?:的)?情况/ },
  // Typos are common (report 003: 行政法复议), so allow a character or two inside; older
  // wording: 因政府信息公开申请行政复议、提起行政诉讼的情况.
  {
    n: 4,
    numeral: "四",
    zh: "政府信息公开行政复议、行政诉讼情况",
    en: "administrative reviews and lawsuits",
    title: /^因?(?:政府信息公开)?(?:申请)?行政.{0,2}复议.{0,4}行政.{0,2}诉讼(?:的)?情况/,
  },
  // Variant wording is common: "存在的主要问题及明年工作计划", "存在问题及改进措施".
  { n: 5, numeral: "五", zh: "存在的主要问题及改进情况", en: "problems and improvements", title: /^(?:政府信息公开)?(?:工作)?存在的?(?:主要)?(?:问题|不足)/ },
  { n: 6, numeral: "六", zh: "其他需要报告的事项", en: "other matters", title: /^其他需要报告的?事项/ },
] as const;

const NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/** A section heading as found: which section (by title), and the numeral it carried. */
export interface Heading {
  section: number;
  numeral: number;
  index: number;
}

/**
 * Section headings of the compacted text: "<numeral>、<known title>". Headings are found inline
 * too, since archiver text (reports 003/004) runs headings into the paragraphs. Table labels
 * such as "二、上年结转…" or "三、本年度办理结果" do not match any section title.
 */
export function findHeadings(text: string): Heading[] {
  return memo(headingCache, text, () => scanHeadings(text));
}
const headingCache = newMemo<Heading[]>();

/** The characters a SECTIONS title can start with (their patterns' possible first characters). */
const TITLE_FIRST = new Set([..."总概主收因政申行存工其"]);

function scanHeadings(text: string): Heading[] {
  const c = compact(text);
  const out: Heading[] = [];
  const re = /([一二三四五六七八九十])[、.．,，]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(c)) !== null) {
    // Every section title starts with one of these characters: skip the slice and the six
    // patterns for the many "十、" / "一," that start no heading.
    if (!TITLE_FIRST.has(c.charAt(m.index + m[0].length))) continue;
    const rest = c.slice(m.index + m[0].length, m.index + m[0].length + 40);
    const numeral = NUMERALS.indexOf(m[1] ?? "") + 1;
    for (const s of SECTIONS) {
      if (s.title.test(rest)) {
        out.push({ section: s.n, numeral, index: m.index });
        break;
      }
    }
  }
  return out;
}

/** completeness.section, structure.duplicateHeading, structure.misnumbered. */
export function checkSections(report: Pick<Report, "layout" | "year">, text: string): Finding[] {
  if (report.layout === "pre-2019") return [];
  if (text.trim().length === 0) return [];
  const heads = findHeadings(text);
  const out: Finding[] = [];
  // No heading at all: a different structure (or an extract without headings); one info is enough.
  if (heads.length === 0) {
    out.push(
      finding(
        "completeness.section",
        "info",
        "未识别到“一、总体情况”等六部分标题，无法核对报告结构",
        "None of the six section headings (一、总体情况 …) was recognised; structure not checked",
      ),
    );
    return out;
  }
  const present = new Set(heads.map((h) => h.section));
  const missing = SECTIONS.filter((s) => !present.has(s.n));
  if (missing.length > 0) {
    out.push(
      finding(
        "completeness.section",
        "warning",
        `缺少${missing.map((s) => `第${s.numeral}部分“${s.zh}”`).join("、")}`,
        `Missing section(s): ${missing.map((s) => `${s.n} (${s.en})`).join(", ")}`,
        missing.map((s) => `section.${s.n}`),
      ),
    );
  }
  for (const s of SECTIONS) {
    const times = heads.filter((h) => h.section === s.n).length;
    if (times > 1) {
      out.push(
        finding(
          "structure.duplicateHeading",
          "warning",
          `标题“${s.numeral}、${s.zh}”重复出现${times}次`,
          `Heading "${s.numeral}、${s.zh}" (${s.en}) appears ${times} times`,
          [`section.${s.n}`],
        ),
      );
    }
  }
  const wrong = heads.filter((h) => h.numeral !== h.section);
  for (const h of wrong) {
    const s = SECTIONS[h.section - 1];
    if (!s) continue;
    out.push(
      finding(
        "structure.misnumbered",
        "warning",
        `标题“${s.zh}”编号为“${NUMERALS[h.numeral - 1] ?? "?"}、”，应为“${s.numeral}、”`,
        `Heading "${s.zh}" (${s.en}) is numbered ${h.numeral}, should be ${s.n}`,
        [`section.${s.n}`],
      ),
    );
  }
  // Out of order: a section heading appearing before one with a smaller number.
  const firsts = SECTIONS.map((s) => heads.find((h) => h.section === s.n)?.index ?? null);
  for (let i = 1; i < firsts.length; i++) {
    const a = firsts[i - 1];
    const b = firsts[i];
    const sa = SECTIONS[i - 1];
    const sb = SECTIONS[i];
    if (a !== null && a !== undefined && b !== null && b !== undefined && b < a && sa && sb) {
      out.push(
        finding(
          "structure.misnumbered",
          "warning",
          `第${sb.numeral}部分“${sb.zh}”出现在第${sa.numeral}部分“${sa.zh}”之前`,
          `Section ${sb.n} (${sb.en}) comes before section ${sa.n} (${sa.en})`,
          [`section.${sb.n}`],
        ),
      );
    }
  }
  return out;
}

/** Words that end in a unit character but are not "<noun><unit>" (文件, 条件, 头条 …). */
const UNIT_WORDS = new Set(
  (
    "文件 案件 条件 证件 邮件 附件 稿件 软件 硬件 事件 信件 要件 物件 部件 配件 零件 原件 复件 印件 函件 来件 急件 快件 " +
    "密件 批件 构件 工件 组件 插件 课件 元件 抄件 收件 发件 寄件 器件 样件 备件 交件 送件 取件 报件 办件 " +
    "头条 萧条 教条 面条 便条 纸条 线条 字条 金条 链条 油条 枝条 发条 封条 欠条 收条 借条 白条 信条 专条 逐条 本条 该条 " +
    "此条 每条 各条 首条 末条 长条 全篇 通篇 长篇 短篇 名篇 诗篇 首篇 开篇 续篇 上篇 下篇 中篇 整篇 本篇 该篇 此篇 每篇 各篇"
  ).split(" "),
);

/** Characters that are themselves a count (一条, 多件, 若干篇). */
const COUNT_CHARS = "零一二三四五六七八九十百千万亿两几多数若干余";

// A unit after a noun, at a clause or sentence end (the breaks compactSentences splits on).
const UNIT_AFTER_NOUN_IN_TEXT = /([\u4e00-\u9fff])(条|件|篇)(?=[，,、：:）)。！？；!?;]|$)/g;
const SENTENCE_BREAK = new Set([..."。！？；!?;"]);

const DUTY = /依法|依规|及时|做好|确保|认真|严格|按时|规范|将|继续|进一步|要|应当/;

const COUNT_VERB = new RegExp(`(?:公开|发布|受理|收到|办理|制发|更新|累计|全年共|共计)[^\\d${COUNT_CHARS}]*$`);

/**
 * narrative.placeholder: a count verb, then a noun and a unit with no number between them, as in
 * "全年共主动公开各类政府信息条" (seed 003) or "公开核准企业资质条、" (report 002) — a template
 * whose number was never filled in.
 */
export function checkPlaceholders(text: string): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  // One pass over the compacted text rather than one exec per sentence (compactSentences): a
  // match never holds a sentence break, and a sentence's end is a break or the text's end, so
  // the matches are the same, in the same order. The sentence is cut out only when needed.
  const c = compact(text);
  const re = UNIT_AFTER_NOUN_IN_TEXT;
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(c)) !== null) {
    const word = m[0];
    const prevCh = m[1] ?? "";
    if (UNIT_WORDS.has(word) || COUNT_CHARS.includes(prevCh)) continue;
    // The 24 characters before the unit, within its sentence.
    let from = m.index;
    const floor = Math.max(0, m.index - 24);
    while (from > floor && !SENTENCE_BREAK.has(c.charAt(from - 1))) from--;
    const before = c.slice(from, m.index);
    // The verb that announces a count, with no digit or count word after it.
    const verb = COUNT_VERB.exec(before);
    if (!verb) continue;
    // Work to be done ("依法办理政府信息依申请公开件", "及时公开…条") states a duty, not a count.
    if (DUTY.test(before.slice(0, verb.index + 2))) continue;
    while (from > 0 && !SENTENCE_BREAK.has(c.charAt(from - 1))) from--;
    let to = m.index + word.length;
    while (to < c.length && !SENTENCE_BREAK.has(c.charAt(to))) to++;
    const q = quote(c.slice(from, to), m.index - from);
    if (seen.has(q)) continue;
    seen.add(q);
    const spot = (before.slice(verb.index) + word).slice(-14);
    out.push(
      finding(
        "narrative.placeholder",
        "warning",
        `正文“${q}”中“${spot}”缺少数字`,
        `The narrative "${q}" has a unit with no number: "${spot}"`,
      ),
    );
  }
  return out;
}

/** Years stated for the statistics period (统计期限/时限/时间 … YYYY年). */
export function statedPeriodYears(text: string): number[] {
  const c = compact(text);
  const years = new Set<number>();
  const re = /统计(?:期限|时限|时间|周期|区间|期间|范围)[^\d。；]{0,12}?(\d{4})年(?:1月1日)?(?:起)?(?:至|到|-|—|~)?(?:(\d{4})年)?/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(c)) !== null) {
    years.add(Number(m[1]));
    if (m[2]) years.add(Number(m[2]));
  }
  return [...years];
}

/** Year in the title: the report's title, else the first heading-like line naming a 年度报告. */
export function titleYear(title: string | null, text: string): number | null {
  // Only short lines near the top: an intro paragraph may cite other years' documents.
  const cands = [title ?? "", ...headLines(text, 15).filter((l) => l.trim().length <= 60 && /年度?报告|年报/.test(l))];
  for (const t of cands) {
    const m = /(\d{4})\s*年/.exec(t.replace(/\s+/g, ""));
    if (m) return Number(m[1]);
  }
  return null;
}

/** meta.yearMismatch: report year vs the title and the stated 统计期限. */
export function checkYear(report: Pick<Report, "year" | "title">, text: string): Finding[] {
  const out: Finding[] = [];
  const y = report.year;
  if (y === null) return out;
  const ty = titleYear(report.title, text);
  if (ty !== null && ty !== y) {
    out.push(
      finding("meta.yearMismatch", "warning", `标题年度为${ty}年，报告年度却为${y}年`, `The title names ${ty}, but the report year is ${y}`, ["title", "year"]),
    );
  }
  const py = statedPeriodYears(text).filter((p) => p !== y);
  if (py.length > 0) {
    out.push(
      finding(
        "meta.yearMismatch",
        "warning",
        `统计期限写为${py.join("、")}年，与报告年度${y}年不符`,
        `The statistics period names ${py.join(", ")}, not the report year ${y}`,
        ["year"],
      ),
    );
  }
  return out;
}

/**
 * The compacted text of table 二: from the first "第二十条" to the next section heading (三 or
 * later), else at most 1,500 characters. Null when the text has no "第二十条".
 */
export function table2Region(text: string): string | null {
  const c = compact(text);
  const start = c.indexOf("第二十条");
  if (start < 0) return null;
  const next = findHeadings(text).find((h) => h.section >= 3 && h.index > start);
  return c.slice(start, next ? next.index : start + 1500);
}
