/**
 * Admin commands for alerts whose delivery is uncertain after a crash (notify/uncertain.ts):
 * /uncertain lists exactly which chats and alerts; /resend_uncertain asks to confirm with a
 * button, and the button resends exactly the list it was shown (a fingerprint of the keys rides in
 * callback_data), each alert at most once.
 */
import { Composer, InlineKeyboard } from "grammy";
import { fingerprint, listUncertain, resendUncertain } from "../notify/uncertain.js";
import { formatUncertain, uncertainTexts } from "../render/uncertain.js";
import type { BotContext } from "./context.js";
import { errorText, isBotAdmin, nowOf, replyHtml } from "./context.js";

const CONFIRM_RE = /^ru:([0-9a-f]{12})$/;

/** /uncertain and /resend_uncertain. */
export function uncertainCommands(): Composer<BotContext> {
  const c = new Composer<BotContext>();
  const cmd = c.chatType(["private", "group", "supergroup"]);

  cmd.command("uncertain", async (ctx) => {
    if (!isBotAdmin(ctx)) return replyHtml(ctx, ctx.nb.m.adminOnly);
    const rows = await listUncertain(ctx.nb.deps.store);
    await replyHtml(ctx, formatUncertain(rows, ctx.nb.lang, ctx.nb.deps.config.TZ));
  });

  cmd.command("resend_uncertain", async (ctx) => {
    if (!isBotAdmin(ctx)) return replyHtml(ctx, ctx.nb.m.adminOnly);
    const t = uncertainTexts(ctx.nb.lang);
    const keys = (await listUncertain(ctx.nb.deps.store)).filter((r) => r.resendable).map((r) => r.key);
    if (!keys.length) return replyHtml(ctx, t.nothing);
    await ctx.reply(t.confirm(keys.length), {
      reply_markup: new InlineKeyboard().text(t.button(keys.length), `ru:${fingerprint(keys)}`),
    });
  });

  c.callbackQuery(CONFIRM_RE, async (ctx) => {
    const t = uncertainTexts(ctx.nb.lang);
    if (!isBotAdmin(ctx)) {
      await ctx.answerCallbackQuery({ text: ctx.nb.m.adminOnly });
      return;
    }
    const { store, notifier, log } = ctx.nb.deps;
    const keys = (await listUncertain(store)).filter((r) => r.resendable).map((r) => r.key);
    if (!keys.length || fingerprint(keys) !== ctx.match[1]) {
      await ctx.answerCallbackQuery({ text: keys.length ? t.changed : t.nothing });
      return;
    }
    const n = await resendUncertain(store, nowOf(ctx.nb.deps), keys);
    await ctx.answerCallbackQuery();
    // The keyboard goes away, so the same confirmation cannot be pressed again.
    await ctx.editMessageText(t.done(n)).catch((e: unknown) => log.debug({ err: errorText(e) }, "could not edit confirmation"));
    if (notifier) void notifier.pump().catch((e: unknown) => log.error({ err: errorText(e) }, "pump after resend failed"));
  });

  return c;
}
