/**
 * /latest, /report and /anomalies, plus the inline keyboards they show when several agencies
 * match. Callback data stays short ("nb:<token>:<index>", ≤ 64 bytes whatever the names): the
 * choices live in store meta under a random token with an expiry, so a button from an old or
 * unknown keyboard gets a polite "expired" answer instead of an error.
 */
import { randomBytes } from "node:crypto";
import { Composer, InlineKeyboard } from "grammy";
import type { CallbackEntry, PortalEntry, StoredReport } from "../store/types.js";
import { escapeHtml } from "../render/format.js";
import { renderAnomalies, renderLatest, renderReport } from "../render/replies.js";
import { agencyGroups } from "./agency-index.js";
import type { AgencyGroup, IndexedReport } from "./agency-index.js";
import { closestNames, parseReportArg } from "./args.js";
import { matchForm } from "../agency/names.js";
import type { BotContext } from "./context.js";
import { argOf, nowOf, replyHtml } from "./context.js";

/** Store meta key holding the keyboards' choices. */
export const CALLBACK_META_KEY = "bot.callbacks";
/** How long a keyboard stays valid. */
export const CALLBACK_TTL_MS = 24 * 3600 * 1000;
/** At most this many buttons; more matches → "type a longer name". */
export const MAX_CHOICES = 8;
/** Kept tokens (oldest dropped first) so the meta entry stays small. */
const MAX_TOKENS = 200;

/** True when the characters of `q` appear in `s` in order ("沭阳县发改" in "沭阳县发展和改革局"). */
export function isSubsequence(q: string, s: string): boolean {
  let i = 0;
  const qs = [...q];
  for (const ch of s) if (ch === qs[i] && ++i === qs.length) return true;
  return qs.length === 0;
}

/**
 * Agencies whose (normalised) name or report title contains the query. An exact name match wins
 * alone, so "洪泽区人民政府" is not drowned by its departments. When nothing contains the query,
 * abbreviations are tried: the query's characters in order ("沭阳县发改" → 沭阳县发展和改革局).
 */
export function matchGroups(groups: readonly AgencyGroup[], query: string): AgencyGroup[] {
  const q = matchForm(query);
  if (!q) return [];
  const exact = groups.filter((g) => g.norm === q);
  if (exact.length) return exact;
  const contains = groups.filter((g) => g.norm.includes(q) || g.titles.some((t) => t.includes(q)));
  if (contains.length || [...q].length < 3) return contains;
  return groups.filter((g) => isSubsequence(q, g.norm));
}

/** The full stored report of an index entry (null if it vanished since the index was built). */
async function fullReport(ctx: BotContext, head: IndexedReport | undefined): Promise<StoredReport | null> {
  return head ? ctx.nb.deps.store.getReport(head.id) : null;
}

async function portalOf(ctx: BotContext, r: StoredReport): Promise<PortalEntry | undefined> {
  try {
    return (await ctx.nb.deps.portals.list()).find((p) => p.id === r.portalId);
  } catch {
    return undefined;
  }
}

async function saveChoices(ctx: BotContext, entry: Omit<CallbackEntry, "exp">): Promise<string> {
  const { store } = ctx.nb.deps;
  const now = nowOf(ctx.nb.deps).getTime();
  const all = (await store.getMeta(CALLBACK_META_KEY)) ?? {};
  const live = Object.entries(all)
    .filter(([, e]) => Date.parse(e.exp) > now)
    .sort(([, a], [, b]) => a.exp.localeCompare(b.exp))
    .slice(-(MAX_TOKENS - 1));
  const token = randomBytes(6).toString("base64url");
  const next = Object.fromEntries(live);
  next[token] = { ...entry, exp: new Date(now + CALLBACK_TTL_MS).toISOString() };
  await store.setMeta(CALLBACK_META_KEY, next);
  return token;
}

async function showChoices(ctx: BotContext, action: CallbackEntry["action"], matches: AgencyGroup[], year?: number): Promise<void> {
  const m = ctx.nb.m;
  const shown = matches.slice(0, MAX_CHOICES);
  const token = await saveChoices(ctx, { action, keys: shown.map((g) => g.key), ...(year !== undefined ? { year } : {}) });
  const kb = new InlineKeyboard();
  shown.forEach((g, i) => {
    const label = g.name.length > 40 ? `${g.name.slice(0, 39)}…` : g.name;
    kb.text(label, `nb:${token}:${i}`).row();
  });
  const text = matches.length > MAX_CHOICES ? `${m.tooManyMatches(matches.length)}\n${m.chooseAgency(shown.length)}` : m.chooseAgency(shown.length);
  const thread = ctx.msg?.is_topic_message ? ctx.msg.message_thread_id : undefined;
  await ctx.reply(text, { parse_mode: "HTML", reply_markup: kb, ...(thread !== undefined ? { message_thread_id: thread } : {}) });
}

async function replyNoMatch(ctx: BotContext, groups: readonly AgencyGroup[], query: string): Promise<void> {
  const m = ctx.nb.m;
  const close = closestNames(
    query,
    groups.map((g) => g.name),
    5,
  );
  const lines = [m.noMatch(escapeHtml(query))];
  if (close.length) lines.push(m.closest, ...close.map((n) => `• ${escapeHtml(n)}`));
  await replyHtml(ctx, lines.join("\n"));
}

async function answerLatest(ctx: BotContext, g: AgencyGroup): Promise<void> {
  const r = await fullReport(ctx, g.reports[0]);
  if (!r) return replyHtml(ctx, ctx.nb.m.callbackExpired);
  await replyHtml(ctx, renderLatest(r, ctx.nb.lang, await portalOf(ctx, r)));
}

async function answerReport(ctx: BotContext, g: AgencyGroup, year: number | undefined): Promise<void> {
  const head = year === undefined ? g.reports[0] : g.reports.find((x) => x.report.year === year);
  if (!head) {
    const years = [...new Set(g.reports.map((x) => x.report.year).filter((y) => y !== null))].sort().join("、") || "—";
    return replyHtml(ctx, ctx.nb.m.noReportForYear(escapeHtml(g.name), year ?? 0, years));
  }
  const r = await fullReport(ctx, head);
  if (!r) return replyHtml(ctx, ctx.nb.m.callbackExpired);
  await replyHtml(ctx, renderReport(r, ctx.nb.lang, await portalOf(ctx, r)));
}

/** The query command family and its keyboard callbacks. */
export function queryCommands(): Composer<BotContext> {
  const c = new Composer<BotContext>();
  const cmd = c.chatType(["private", "group", "supergroup"]);

  cmd.command("latest", async (ctx) => {
    const q = await argOf(ctx);
    if (q === null) return;
    if (!q) return replyHtml(ctx, ctx.nb.m.latestUsage);
    const groups = await agencyGroups(ctx.nb.deps.store);
    if (groups.length === 0) return replyHtml(ctx, ctx.nb.m.noReports);
    const matches = matchGroups(groups, q);
    if (matches.length === 0) return replyNoMatch(ctx, groups, q);
    if (matches.length === 1) return answerLatest(ctx, matches[0]!);
    await showChoices(ctx, "latest", matches);
  });

  cmd.command("report", async (ctx) => {
    const raw = await argOf(ctx);
    if (raw === null) return;
    const { agency, year } = parseReportArg(raw);
    if (!agency) return replyHtml(ctx, ctx.nb.m.reportUsage);
    const groups = await agencyGroups(ctx.nb.deps.store);
    if (groups.length === 0) return replyHtml(ctx, ctx.nb.m.noReports);
    const matches = matchGroups(groups, agency);
    if (matches.length === 0) return replyNoMatch(ctx, groups, agency);
    if (matches.length === 1) return answerReport(ctx, matches[0]!, year ?? undefined);
    await showChoices(ctx, "report", matches, year ?? undefined);
  });

  cmd.command("anomalies", async (ctx) => {
    const q = await argOf(ctx);
    if (q === null) return;
    const { store, portals } = ctx.nb.deps;
    const groups = await agencyGroups(store);
    let selected = groups;
    if (q) {
      const nq = matchForm(q);
      const list = await portals.list();
      const inRegion = new Set(
        list.filter((p) => matchForm(`${p.region ?? ""}${p.name}`).includes(nq)).map((p) => p.id),
      );
      selected = groups.filter((g) => g.norm.includes(nq) || g.reports.some((r) => inRegion.has(r.portalId)));
      if (selected.length === 0) return replyNoMatch(ctx, groups, q);
    }
    // Current findings: the newest report of each agency.
    const newest = selected.map((g) => ({ agency: g.name, year: g.reports[0]?.report.year ?? null, findings: g.reports[0]?.issues ?? [] }));
    await replyHtml(ctx, renderAnomalies(newest, ctx.nb.lang));
  });

  c.callbackQuery(/^nb:([A-Za-z0-9_-]{1,16}):(\d{1,2})$/, async (ctx) => {
    const [, token, idx] = ctx.match;
    const { store } = ctx.nb.deps;
    const all = (await store.getMeta(CALLBACK_META_KEY)) ?? {};
    const entry = token ? all[token] : undefined;
    const key = entry && Date.parse(entry.exp) > nowOf(ctx.nb.deps).getTime() ? entry.keys[Number(idx)] : undefined;
    const group = key ? (await agencyGroups(store)).find((g) => g.key === key) : undefined;
    if (!entry || !group) {
      await ctx.answerCallbackQuery({ text: ctx.nb.m.callbackExpired });
      return;
    }
    await ctx.answerCallbackQuery();
    // Replace the keyboard with the choice, so the same keyboard is not pressed twice by accident.
    try {
      await ctx.editMessageText(`✅ ${escapeHtml(group.name)}`, { parse_mode: "HTML" });
    } catch (e) {
      ctx.nb.deps.log.debug({ err: String(e) }, "could not edit keyboard message");
    }
    if (entry.action === "latest") await answerLatest(ctx, group);
    else await answerReport(ctx, group, entry.year);
  });

  return c;
}
