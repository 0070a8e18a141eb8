/**
 * Administrative level and the publication deadline of 政府信息公开条例 Art. 49: departments by
 * 31 January, governments by 31 March of the next year; townships follow their county (31 March).
 */
import type { Finding } from "../schema.js";
import { finding } from "./finding.js";

/** Administrative level of the publishing body. */
export type Level = "government" | "department" | "township";

// Agency names may arrive unnormalised (seed 000 is a Traditional-Chinese mirror).
const T2S: Record<string, string> = { 縣: "县", 區: "区", 辦: "办", 鎮: "镇", 鄉: "乡", 會: "会", 員: "员", 廳: "厅", 處: "处", 務: "务", 門: "门", 際: "际", 發: "发", 關: "关", 農: "农", 衛: "卫", 華: "华", 蘇: "苏", 東: "东", 開: "开", 業: "业", 資: "资", 環: "环", 號: "号", 設: "设", 計: "计", 劃: "划", 體: "体" };

/** Administrative level inferred from the agency name; null when the name says nothing. */
export function inferLevel(agency: string | null): Level | null {
  if (!agency) return null;
  let a = agency.replace(/[\s\u3000]/g, "");
  a = [...a].map((ch) => T2S[ch] ?? ch).join("");
  // Drop parenthesised remarks: "宿迁市（全市汇总，市政府年报）".
  a = a.replace(/[（(][^）)]*[）)]/g, "");
  a = a.replace(/(?:\d{4}年度?)?(?:政府信息公开)?(?:工作)?(?:年度)?报告$/, "");
  if (!a) return null;
  if (/(?:镇|乡|街道|苏木)(?:人民政府|政府|办事处|党委|党工委)?$/.test(a) || /街道办事处$/.test(a)) return "township";
  // A zone's 管委会 acts as its government; a city's 城市管理委员会 is a department.
  if (/(?:管委会|(?:开发区|园区|实验区|新区|高新区|示范区|合作区|试验区)管理委员会)$/.test(a)) return "government";
  if (/(?:办公室|办公厅|局|厅|委员会|委|办|中心|院|署|所|队|站|会|处|社|馆|部|行)$/.test(a)) return "department";
  if (/(?:人民政府|政府|省|市|县|区|州|盟|旗|自治区|自治州|自治县|特区|新区|实验区|开发区)$/.test(a)) return "government";
  return null;
}

/**
 * The one level rule: the body's own name decides (a department listed on a government's portal
 * keeps its 31 January deadline); the portal's declared level only fills in when the name does not
 * tell. The title stands in for a missing agency name.
 */
export function resolveLevel(report: { agency: string | null; title?: string | null }, portalLevel?: Level | null): Level | null {
  return inferLevel(report.agency) ?? (report.agency ? null : inferLevel(report.title ?? null)) ?? portalLevel ?? null;
}

/** Publication deadline (ISO date) for a report year and level. */
export function deadlineFor(year: number, level: Level): string {
  return level === "department" ? `${year + 1}-01-31` : `${year + 1}-03-31`;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})/;

/**
 * deadline.late (warning). With an unknown level only a date after the later deadline (31 March)
 * is certainly late.
 */
export function checkDeadline(year: number | null, publishedAt: string | null | undefined, level: Level | null): Finding[] {
  if (year === null || !publishedAt) return [];
  const m = ISO_DATE.exec(publishedAt.trim());
  if (!m) return [];
  const date = `${m[1]}-${m[2]}-${m[3]}`;
  const lv: Level = level ?? "government";
  const due = deadlineFor(year, lv);
  if (date <= due) return [];
  const who = { government: ["政府", "governments"], department: ["部门", "departments"], township: ["乡镇（街道）", "townships"] }[lv];
  const unknown = level === null ? "（机关级别未知，按最晚期限计）" : "";
  const unknownEn = level === null ? " (level unknown: the later deadline applies)" : "";
  return [
    finding(
      "deadline.late",
      "warning",
      `发布于${date}，晚于${who[0]}年报的法定期限${due}${unknown}`,
      `Published on ${date}, after the deadline for ${who[1]}, ${due}${unknownEn}`,
      ["publishedAt"],
    ),
  ];
}
