/**
 * Per-chat settings: /digest daily|weekly|off [HH:MM], /quiet HH-HH [silent] | off, /settings.
 * Changing settings in a group needs a chat admin, as subscriptions do.
 */
import { Composer } from "grammy";
import { renderSettings } from "../render/replies.js";
import { parseDigestArg, parseQuietArg } from "./args.js";
import type { BotContext } from "./context.js";
import { argOf, ensureChat, replyHtml, requireManager } from "./context.js";

/** The settings command family. */
export function settingsCommands(): Composer<BotContext> {
  const c = new Composer<BotContext>();
  const cmd = c.chatType(["private", "group", "supergroup"]);

  cmd.command("digest", async (ctx) => {
    const arg = await argOf(ctx, 40);
    if (arg === null) return;
    const parsed = parseDigestArg(arg);
    if (!parsed) return replyHtml(ctx, ctx.nb.m.digestUsage);
    if (!(await requireManager(ctx))) return;
    const { chat } = await ensureChat(ctx);
    const digest = { mode: parsed.mode, time: parsed.time ?? chat.digest.time };
    await ctx.nb.deps.store.putChat({ ...chat, digest });
    await replyHtml(ctx, ctx.nb.m.digestSet(digest.mode, digest.time));
  });

  cmd.command("quiet", async (ctx) => {
    const arg = await argOf(ctx, 40);
    if (arg === null) return;
    const parsed = parseQuietArg(arg);
    if (!parsed) return replyHtml(ctx, ctx.nb.m.quietUsage);
    if (!(await requireManager(ctx))) return;
    const { chat } = await ensureChat(ctx);
    await ctx.nb.deps.store.putChat({ ...chat, quiet: parsed === "off" ? null : parsed });
    await replyHtml(ctx, parsed === "off" ? ctx.nb.m.quietOff : ctx.nb.m.quietSet(parsed.from, parsed.to, parsed.mode === "silent"));
  });

  cmd.command("settings", async (ctx) => {
    const { chat } = await ensureChat(ctx);
    const subs = await ctx.nb.deps.store.listSubscriptions(ctx.chat.id);
    await replyHtml(ctx, renderSettings(chat, subs.length, ctx.nb.lang));
  });

  return c;
}
