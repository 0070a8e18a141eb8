/**
 * Agency identity across years and title variants (pure).
 *
 * The same body publishes under many spellings: "县政府办" vs "栾川县人民政府办公室", Traditional
 * mirror copies (橫峰縣人民政府辦公室), "沭阳县发改局" vs "沭阳县发展和改革局", titles with the year and
 * the 政府信息公开工作年度报告 suffix, "关于…的" wrappers, full-width characters. A key is
 * `portalId + ":" + core`, where core is the name reduced by rules that never merge two bodies of
 * one portal: place names of the portal itself are dropped (a county portal's "县政府办" is its
 * own 栾川县政府办), long department names are shortened to their usual abbreviation, and a
 * government's report is keyed by its place ("洪泽区人民政府" = "洪泽区"). What rules cannot settle
 * goes into data/agency-overrides.json.
 */
import { readFile } from "node:fs/promises";
import { simplifyChars } from "../report/extract/normalise.js";
import { z } from "zod";
import type { Report } from "../report/schema.js";
import type { PortalEntry, StoredReport } from "../store/types.js";

/** One row of data/agency-overrides.json. */
export const AgencyOverride = z.object({
  /** Only names met on this portal; absent = any portal (used to join one body across portals). */
  portalId: z.string().min(1).optional(),
  /** Exact name (raw, cleaned or normalised core), or a regular expression written as "/…/". */
  match: z.string().min(1),
  /** The agency key to use, as-is (e.g. "pingtan:政府" or a portal-independent "fj-pingtan"). */
  key: z.string().min(1),
  /** Display name. */
  name: z.string().min(1),
});
export type AgencyOverride = z.infer<typeof AgencyOverride>;
export const AgencyOverrides = z.array(AgencyOverride);

/** The core used for a portal's own government once its place name is dropped. */
export const OWN_GOVERNMENT = "政府";


/**
 * Cleans a raw name for comparison: Simplified, NFKC (full-width → half-width), no whitespace,
 * no quotes, no parenthesised remarks ("淮安市金湖县（县政府）"). `simplify: false` keeps the
 * source's characters, for names shown to people (乾县 must stay 乾县).
 */
export function cleanName(raw: string, simplify = true): string {
  const nfkc = raw.normalize("NFKC");
  let s = simplify ? simplifyChars(nfkc) : nfkc;
  s = s.replace(/[\s\u3000\u00a0]+/g, "");
  s = s.replace(/[《》“”"'「」『』]/g, "");
  // Repeat: remarks may nest once ("（全市汇总（市政府））").
  for (let i = 0; i < 2; i++) s = s.replace(/[(（][^()（）]*[)）]/g, "");
  return s;
}

const CN_DIGITS = "〇零一二三四五六七八九";
const YEAR_RE = new RegExp(`((19|20)\\d{2}|[${CN_DIGITS}]{4})年度?`, "g");
const SUFFIX_RE = /(政府信息公开|政务公开|信息公开)(工作)?(年度)?(报告|年报)|工作年度报告|年度报告|年报/;

/**
 * The agency part of a name or title: cleaned, with a "关于…的" wrapper, the report year and the
 * 政府信息公开工作年度报告 suffix (and anything after it, e.g. "-沭阳县发改局") removed.
 */
export function agencyPart(raw: string, simplify = true): string {
  let s = cleanName(raw, simplify);
  s = s.replace(/^关于(印发|公布|发布|公开)?/, "");
  const m = SUFFIX_RE.exec(s);
  if (m && m.index > 0) s = s.slice(0, m.index);
  else if (m) s = s.slice(m[0].length);
  s = s.replace(YEAR_RE, "");
  s = s.replace(/的$/, "").replace(/^[-—_|:：、,，]+|[-—_|:：、,，]+$/g, "");
  return s;
}

/** Long official names → the usual abbreviation; the first long form of a short one is its usual expansion. */
const ABBREVIATION_LIST: [string, string][] = [
  ["人民政府", "政府"],
  ["发展和改革委员会", "发改委"],
  ["发展改革委员会", "发改委"],
  ["发展和改革委", "发改委"],
  ["发展和改革局", "发改局"],
  ["发展改革局", "发改局"],
  ["人力资源和社会保障局", "人社局"],
  ["人力资源社会保障局", "人社局"],
  ["住房和城乡建设局", "住建局"],
  ["住房城乡建设局", "住建局"],
  ["市场监督管理局", "市场监管局"],
  ["卫生健康委员会", "卫健委"],
  ["卫生和健康委员会", "卫健委"],
  ["卫生健康局", "卫健局"],
  ["教育和体育局", "教体局"],
  ["教育体育局", "教体局"],
  ["文化广电和旅游局", "文广旅局"],
  ["文化广电旅游局", "文广旅局"],
  ["文化和旅游局", "文旅局"],
  ["工业和信息化局", "工信局"],
  ["科学技术局", "科技局"],
  ["交通运输局", "交通局"],
  ["应急管理局", "应急局"],
  ["退役军人事务局", "退役军人局"],
  ["医疗保障局", "医保局"],
  ["城市管理局", "城管局"],
  ["行政审批局", "审批局"],
  ["机关事务管理局", "机关事务局"],
  ["人民防空办公室", "人防办"],
  ["政务服务管理办公室", "政务服务办"],
  ["管理委员会", "管委会"],
  ["街道办事处", "街道"],
  ["办公室", "办"],
  ["委员会", "委"],
];
/** Applied longest first, so specific forms win over "办公室" / "委员会". */
const ABBREVIATIONS = [...ABBREVIATION_LIST].sort((a, b) => b[0].length - a[0].length);
/** Short → the first (usual) long form declared. */
const EXPANSIONS = new Map<string, string>();
for (const [long, short] of ABBREVIATION_LIST) if (!EXPANSIONS.has(short)) EXPANSIONS.set(short, long);
const EXPAND_RE = new RegExp([...EXPANSIONS.keys()].sort((a, b) => b.length - a.length).map((k) => escapeRe(k)).join("|"), "g");

/**
 * Substrings worth searching for when a user's spelling differs from the stored one: the name as
 * written, its abbreviated form and its long official form ("县政府办" → "县人民政府办公室"). Callers
 * must still compare normalised keys: a substring hit is only a candidate.
 */
export function searchVariants(raw: string): string[] {
  const part = agencyPart(raw);
  if (!part) return [];
  const short = abbreviate(part);
  // One pass, longest short form first, so "政府办" becomes "人民政府办公室", not "人民政府办公室公室".
  const long = short.replace(EXPAND_RE, (m) => EXPANSIONS.get(m) ?? m);
  return [...new Set([part, short, long])].filter((v) => v.length >= 2);
}

const LEVEL_SUFFIX = "(自治区|自治州|自治县|地区|省|市|州|盟|县|区|旗|镇|乡)";
const LEVEL_CHARS = "省市县区镇乡旗";

function abbreviate(s: string): string {
  let out = s;
  // Longest long form first: "人民政府办公室" → "政府办公室" → "政府办".
  for (const [long, short] of ABBREVIATIONS) out = out.split(long).join(short);
  return out;
}

/**
 * Place stems of a portal ("栾川", "洛阳", "平潭综合实验"): from its region ("河南 洛阳 栾川") and the
 * place prefix of its name ("栾川县人民政府"). Stems are only ever stripped from the START of a name.
 */
export function portalPlaceStems(portal: Pick<PortalEntry, "name" | "region"> | undefined): string[] {
  if (!portal) return [];
  const stems = new Set<string>();
  // A one-character place ("嵩县", "滑县") is kept whole: "嵩" alone would strip too much.
  for (const tok of (portal.region ?? "").split(/[\s/,，、]+/)) {
    const full = cleanName(tok);
    const t = full.replace(new RegExp(`${LEVEL_SUFFIX}$`), "");
    if (t.length >= 2) stems.add(t);
    else if (t.length === 1 && full.length > 1) stems.add(full);
  }
  const name = abbreviate(cleanName(portal.name));
  const re = new RegExp(`([\\u4e00-\\u9fff]+?)${LEVEL_SUFFIX}`, "gy");
  for (let m = re.exec(name); m; m = re.exec(name)) if (m[1]) stems.add(m[1].length >= 2 ? m[1] : m[0]);
  return [...stems].sort((a, b) => b.length - a.length);
}

/**
 * The normalised core of an agency name, relative to a portal's place stems. Pure; "" means the
 * portal's own government once its place is removed (returned as OWN_GOVERNMENT).
 */
export function normalizeAgencyName(raw: string, stems: readonly string[] = []): string {
  let s = abbreviate(agencyPart(raw));
  // Drop the portal's own place names, outermost first ("淮安市洪泽区…" on a 洪泽 portal).
  for (let changed = true; changed && s; ) {
    changed = false;
    for (const stem of stems) {
      const m = stemRegExp(stem).exec(s);
      if (m && m[0].length > 0) {
        s = s.slice(m[0].length);
        changed = true;
        break;
      }
    }
  }
  // A bare level ("县政府办", "区政务服务办") refers to the portal's own place; not "市场监管局".
  if (s.length > 1 && LEVEL_CHARS.includes(s[0] ?? "") && !/^(市场|市政工|区块|县域)/.test(s)) s = s.slice(1);
  else if (s.length === 1 && LEVEL_CHARS.includes(s)) s = "";
  // A government is keyed by its place: "洪泽区政府" = "洪泽区", "官塘驿镇政府" = "官塘驿镇".
  if (s === OWN_GOVERNMENT) s = "";
  else if (s.endsWith(OWN_GOVERNMENT) && LEVEL_CHARS.includes(s.at(-3) ?? "")) s = s.slice(0, -2);
  return s === "" ? OWN_GOVERNMENT : s;
}

const stemRes = new Map<string, RegExp>();
/** `^stem(level)?`, compiled once per stem. */
function stemRegExp(stem: string): RegExp {
  let re = stemRes.get(stem);
  if (!re) stemRes.set(stem, (re = new RegExp(`^${escapeRe(stem)}${LEVEL_SUFFIX}?`)));
  return re;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The name a report goes by: its agency, else the agency part of its title. */
export function reportAgencyName(r: Pick<Report, "agency" | "title">): string | null {
  const a = r.agency?.trim();
  if (a) return a;
  const t = r.title?.trim();
  if (!t) return null;
  const p = agencyPart(t);
  return p || null;
}

/** A resolved identity. */
export interface AgencyIdentity {
  key: string;
  /** Display name (override name, else the cleaned agency part of the name). */
  name: string;
  /** Normalised core (before the portal prefix). */
  core: string;
  /** True when an override decided. */
  overridden: boolean;
}

/** Resolves names to agency keys with a fixed set of portals and overrides. */
export interface Identity {
  resolve(portalId: string, name: string | null | undefined): AgencyIdentity | null;
  /** `resolve(...)?.key ?? null`. */
  key(portalId: string, name: string | null | undefined): string | null;
  /** Identity of a stored report (its portal + agency, else title). */
  ofReport(r: Pick<StoredReport, "portalId"> & { report: Pick<Report, "agency" | "title"> }): AgencyIdentity | null;
  /** The portal entry, when known. */
  portal(portalId: string): PortalEntry | undefined;
}

/** Builds an Identity. Portals give place names; overrides are tried first, in file order. */
export function createIdentity(opts: { portals?: readonly PortalEntry[]; overrides?: readonly AgencyOverride[] } = {}): Identity {
  const portals = new Map((opts.portals ?? []).map((p) => [p.id, p]));
  const stemCache = new Map<string, string[]>();
  const stemsOf = (portalId: string): string[] => {
    let s = stemCache.get(portalId);
    if (!s) stemCache.set(portalId, (s = portalPlaceStems(portals.get(portalId))));
    return s;
  };
  const overrides = (opts.overrides ?? []).map((o) => ({
    ...o,
    re: o.match.length > 2 && o.match.startsWith("/") && o.match.endsWith("/") ? safeRegExp(o.match.slice(1, -1)) : null,
  }));

  // Names repeat across years and reports: resolve each (portal, name) once.
  const cache = new Map<string, AgencyIdentity | null>();
  const resolve = (portalId: string, name: string | null | undefined): AgencyIdentity | null => {
    if (!name || !name.trim()) return null;
    const ck = `${portalId}\u0000${name}`;
    const hit = cache.get(ck);
    if (hit !== undefined) return hit && { ...hit };
    const v = resolveUncached(portalId, name);
    if (cache.size > 200_000) cache.clear();
    cache.set(ck, v);
    return v && { ...v };
  };
  const resolveUncached = (portalId: string, name: string): AgencyIdentity | null => {
    const cleaned = cleanName(name);
    const part = agencyPart(name);
    if (!part) return null;
    const core = normalizeAgencyName(name, stemsOf(portalId));
    for (const o of overrides) {
      if (o.portalId !== undefined && o.portalId !== portalId) continue;
      const hit = o.re ? o.re.test(cleaned) || o.re.test(part) : o.match === cleaned || o.match === part || o.match === core;
      if (hit) return { key: o.key, name: o.name, core, overridden: true };
    }
    // Shown to people: the source's own characters (the key and core are for matching only).
    return { key: `${portalId}:${core}`, name: agencyPart(name, false) || part, core, overridden: false };
  };
  return {
    resolve,
    key: (portalId, name) => resolve(portalId, name)?.key ?? null,
    ofReport: (r) => resolve(r.portalId, reportAgencyName(r.report)),
    portal: (id) => portals.get(id),
  };
}

function safeRegExp(src: string): RegExp | null {
  try {
    return new RegExp(src);
  } catch {
    return null;
  }
}

/** Convenience: the key of `name` on `portalId` (no overrides unless given). */
export function agencyKey(
  portalId: string,
  name: string | null | undefined,
  opts: { portal?: PortalEntry; overrides?: readonly AgencyOverride[] } = {},
): string | null {
  return createIdentity({ portals: opts.portal ? [{ ...opts.portal, id: portalId }] : [], overrides: opts.overrides }).key(
    portalId,
    name,
  );
}

/** Result of loading the override file: a value, never a throw for bad content. */
export type OverridesResult = { ok: true; overrides: AgencyOverride[] } | { ok: false; error: string };

/** Parses override JSON text (zod-validated). */
export function parseOverrides(text: string, file = "agency-overrides.json"): OverridesResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `${file}：不是有效的 JSON（${(e as Error).message}）` };
  }
  const r = AgencyOverrides.safeParse(json);
  if (!r.success) {
    const first = r.error.issues[0];
    return { ok: false, error: `${file}：第 ${String(first?.path.join("."))} 项无效（${first?.message ?? "格式错误"}）` };
  }
  for (const o of r.data) {
    if (o.match.startsWith("/") && o.match.endsWith("/") && o.match.length > 2 && !safeRegExp(o.match.slice(1, -1)))
      return { ok: false, error: `${file}：正则表达式无效：${o.match}` };
  }
  return { ok: true, overrides: r.data };
}

/** Reads the override file; a missing file is an empty table. I/O errors other than ENOENT throw. */
export async function loadOverrides(file: string): Promise<OverridesResult> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { ok: true, overrides: [] };
    throw e;
  }
  return parseOverrides(text, file);
}
