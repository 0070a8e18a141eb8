/**
 * /compare <agency>, /trend <agency> [figure], /rank <region> <figure>: the history feature
 * (src/history/commands.ts builds the replies; this file only reads arguments and sends).
 * The agency identity (portals + overrides) comes from deps.identity, rebuilt by main.ts when the
 * portal registry changes; without it a portal-less identity is used.
 */
import { Composer, InputFile } from "grammy";
import { createIdentity } from "../agency/identity.js";
import type { Identity } from "../agency/identity.js";
import { compareReply, rankReply, trendChart } from "../answer/history.js";
import { findFigure } from "../agency/metrics.js";
import type { BotContext } from "./context.js";
import { argOf, htmlOptions, replyHtml } from "./context.js";

const USAGE = {
  zh: {
    compare: "用法：/compare 机关名称，例如 /compare 洪泽区人民政府",
    trend: "用法：/trend 机关名称 [指标]，例如 /trend 平潭综合实验区 新收",
    rank: "用法：/rank 地区 指标，例如 /rank 江苏 宿迁 公开率",
  },
  en: {
    compare: "Usage: /compare AGENCY, e.g. /compare 洪泽区人民政府",
    trend: "Usage: /trend AGENCY [figure], e.g. /trend 平潭综合实验区 newReceived",
    rank: "Usage: /rank REGION FIGURE, e.g. /rank 江苏 宿迁 grantRate",
  },
} as const;

async function identityOf(ctx: BotContext): Promise<Identity> {
  const deps = ctx.nb.deps;
  if (deps.identity) return deps.identity();
  return createIdentity({ portals: await deps.portals.list() });
}

/** Splits "<words…> <figure>" when the last word names a figure; else the whole is the subject. */
export function splitFigure(arg: string): { subject: string; figure: string | null } {
  const words = arg.split(/\s+/).filter(Boolean);
  const last = words.at(-1);
  if (words.length >= 2 && last && findFigure(last)) return { subject: words.slice(0, -1).join(" "), figure: last };
  return { subject: words.join(" "), figure: null };
}

/** The history command family. */
export function historyCommands(): Composer<BotContext> {
  const c = new Composer<BotContext>();
  const cmd = c.chatType(["private", "group", "supergroup"]);

  cmd.command("compare", async (ctx) => {
    const arg = await argOf(ctx);
    if (arg === null) return;
    const lang = ctx.nb.lang;
    if (!arg) return replyHtml(ctx, USAGE[lang].compare);
    await replyHtml(ctx, await compareReply(ctx.nb.deps.store, arg, lang, { identity: await identityOf(ctx) }));
  });

  cmd.command("trend", async (ctx) => {
    const arg = await argOf(ctx);
    if (arg === null) return;
    const lang = ctx.nb.lang;
    const { subject, figure } = splitFigure(arg);
    if (!subject) return replyHtml(ctx, USAGE[lang].trend);
    const r = await trendChart(ctx.nb.deps.store, subject, figure ?? "newReceived", lang, { identity: await identityOf(ctx) });
    if ("error" in r) return replyHtml(ctx, r.error);
    const { parse_mode, message_thread_id } = htmlOptions(ctx);
    await ctx.replyWithPhoto(new InputFile(r.png, "trend.png"), {
      caption: r.caption,
      parse_mode,
      ...(message_thread_id !== undefined ? { message_thread_id } : {}),
    });
  });

  cmd.command("rank", async (ctx) => {
    const arg = await argOf(ctx);
    if (arg === null) return;
    const lang = ctx.nb.lang;
    const { subject, figure } = splitFigure(arg);
    if (!subject || !figure) return replyHtml(ctx, USAGE[lang].rank);
    const portals = await ctx.nb.deps.portals.list();
    const identity = await identityOf(ctx);
    const now = ctx.nb.deps.now?.() ?? new Date();
    await replyHtml(ctx, await rankReply(ctx.nb.deps.store, portals, subject, figure, lang, { identity, now }));
  });

  return c;
}
