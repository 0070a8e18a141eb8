/**
 * The portal registry: data/portals.json (path overridable by PORTALS_FILE), an array of
 * PortalEntry validated with zod. Errors name the bad entry by index, id and field so a typo in a
 * hand-edited file is found at once. `addPortal` is what `nianbao portals add` and the bot's
 * /addportal call; `resolveColumn` turns a home or 政务公开 page into the 年报 column URL.
 */
import { open, readFile, rename, mkdir } from "node:fs/promises";
import { dirname, join, basename } from "node:path";
import { z } from "zod";
import type { PortalEntry } from "../store/types.js";
import type { Fetcher, FetchErrorKind } from "./fetcher.js";
import { canonicalUrl, extractReportLinks, findColumnLink, findOpenGovLink } from "./discover.js";
import { decodeBytes } from "../report/parse.js";

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

/** zod schema of one registry entry. */
export const PortalEntrySchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "must be 1–64 chars of a-z, 0-9 and '-'"),
  name: z.string().trim().min(1, "must not be empty"),
  url: httpUrl,
  region: z.string().optional(),
  level: z.enum(["government", "department", "township"]).optional(),
  notes: z.string().optional(),
  selectors: z.strictObject({ list: z.string().optional(), link: z.string().optional(), next: z.string().optional() }).optional(),
});

/** Validation outcome: the entries or clear messages, one per problem. */
export type PortalsResult = { ok: true; portals: PortalEntry[] } | { ok: false; errors: string[] };

/** Pure: validates parsed JSON; messages look like `#2 (id "foo") url: must be an http(s) URL`. */
export function validatePortals(json: unknown): PortalsResult {
  if (!Array.isArray(json)) return { ok: false, errors: ["顶层必须是数组 / top level must be an array of portals"] };
  const errors: string[] = [];
  const portals: PortalEntry[] = [];
  const ids = new Map<string, number>();
  json.forEach((raw, i) => {
    const idText = typeof raw === "object" && raw && typeof (raw as { id?: unknown }).id === "string" ? `id "${(raw as { id: string }).id}"` : "no id";
    const r = PortalEntrySchema.safeParse(raw);
    if (!r.success) {
      for (const iss of r.error.issues) errors.push(`#${i} (${idText}) ${iss.path.join(".") || "(entry)"}: ${iss.message}`);
      return;
    }
    const prev = ids.get(r.data.id);
    if (prev !== undefined) {
      errors.push(`#${i} (${idText}) id: duplicate of entry #${prev}`);
      return;
    }
    ids.set(r.data.id, i);
    portals.push(r.data as PortalEntry);
  });
  return errors.length ? { ok: false, errors } : { ok: true, portals };
}

/** The registry file is missing, not JSON, or invalid. */
export class PortalsFileError extends Error {
  constructor(
    public readonly file: string,
    public readonly problems: string[],
  ) {
    super(`门户列表文件有误 / invalid portals file ${file}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "PortalsFileError";
  }
}

/** Loads and validates the registry. A missing file is an empty registry. */
export async function loadPortals(file: string): Promise<PortalEntry[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new PortalsFileError(file, [`不是有效的 JSON / not valid JSON: ${(e as Error).message}`]);
  }
  const r = validatePortals(json);
  if (!r.ok) throw new PortalsFileError(file, r.errors);
  return r.portals;
}

/** Pure: an id from the URL's host and path, e.g. www.shuyang.gov.cn/sygfj/gknb/ → shuyang-sygfj-gknb. */
export function portalIdFromUrl(url: string): string {
  const u = new URL(url);
  const host = u.hostname.replace(/^www\./, "").replace(/\.(gov|com|org|net)\.cn$|\.cn$|\.com$/, "");
  const parts = [...host.split("."), ...u.pathname.split("/").filter((p) => p && !/^index\./.test(p))];
  const id = parts
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 64)
    .replace(/-$/, "");
  return id || "portal";
}

/** Input of addPortal; `id` is derived from the URL when omitted. */
export type NewPortal = Omit<PortalEntry, "id"> & { id?: string };

/** Outcome of addPortal, as a value (the bot shows `error` to the user). */
export type AddPortalResult = { ok: true; portal: PortalEntry } | { ok: false; error: string };

let writeChain: Promise<unknown> = Promise.resolve();

/**
 * Adds a portal to the registry file (created if missing), atomically. Refuses a duplicate URL
 * and makes the id unique (suffix -2, -3 …). Calls are serialised within the process.
 */
export function addPortal(file: string, entry: NewPortal): Promise<AddPortalResult> {
  const run = async (): Promise<AddPortalResult> => {
    const existing = await loadPortals(file);
    const url = canonicalUrl(entry.url.trim());
    if (!url) return { ok: false, error: `网址无效 / invalid URL: ${entry.url.slice(0, 200)}` };
    const dup = existing.find((p) => canonicalUrl(p.url) === url);
    if (dup) return { ok: false, error: `已存在 / already registered as "${dup.id}" (${dup.name})` };
    let id = entry.id ?? portalIdFromUrl(url);
    if (!entry.id) {
      const base = id;
      for (let n = 2; existing.some((p) => p.id === id); n++) id = `${base.slice(0, 60)}-${n}`;
    } else if (existing.some((p) => p.id === id)) {
      return { ok: false, error: `id 已被使用 / id "${id}" is taken` };
    }
    const candidate = { ...entry, id, url };
    const all = [...existing, candidate];
    const r = validatePortals(all);
    if (!r.ok) return { ok: false, error: r.errors.join("; ") };
    await writeJsonAtomic(file, all);
    return { ok: true, portal: r.portals[r.portals.length - 1]! };
  };
  const p = writeChain.then(run, run);
  writeChain = p.catch(() => undefined);
  return p;
}

async function writeJsonAtomic(file: string, data: unknown): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  const fh = await open(tmp, "w");
  try {
    await fh.writeFile(`${JSON.stringify(data, null, 2)}\n`, "utf8");
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
}

/** Outcome of resolveColumn. */
export type ResolveResult =
  | { ok: true; url: string; via: "column" | "link" }
  | { ok: false; error: string; reason: "invalid-url" | "no-column" | "fetch"; fetch?: { kind: FetchErrorKind; status?: number } };

/**
 * Given a portal's column, home or 政务公开 page, finds the 年报 column: the page itself when it
 * already lists reports, else a link named 政府信息公开年报 / 信息公开年度报告 / 年报 (looked for on
 * the page and, failing that, on its 政务公开 page).
 */
export async function resolveColumn(fetcher: Fetcher, url: string): Promise<ResolveResult> {
  const start = canonicalUrl(url);
  if (!start) return { ok: false, error: `网址无效 / invalid URL: ${url.slice(0, 200)}`, reason: "invalid-url" };
  let page = start;
  let viaColumnLink = false;
  for (let depth = 0; depth < 3; depth++) {
    const r = await fetcher.fetch({ url: page });
    if (!r.ok) return { ok: false, error: r.error.message, reason: "fetch", fetch: { kind: r.error.kind, ...(r.error.status !== undefined ? { status: r.error.status } : {}) } };
    const html = decodeBytes(r.value.bytes, r.value.contentType);
    const here = canonicalUrl(r.value.finalUrl) ?? page;
    if (depth === 0 && extractReportLinks(html, here).length >= 2) return { ok: true, url: here, via: "column" };
    // A link named like the column is trusted even if its list is rendered by script.
    if (viaColumnLink) return { ok: true, url: here, via: "link" };
    const col = findColumnLink(html, here);
    if (col) {
      page = col;
      viaColumnLink = true;
      continue;
    }
    const og = depth === 0 ? findOpenGovLink(html, here) : null;
    if (!og) break;
    page = og;
  }
  return { ok: false, error: `未找到年报栏目 / no 年报 column link found on ${start}`, reason: "no-column" };
}
