/**
 * /start, /help, /lang, the bot's own membership (my_chat_member), group → supergroup migration,
 * and the polite answer to unknown commands (registered last, see bot.ts).
 */
import { Composer } from "grammy";
import { messages } from "../render/i18n.js";
import type { BotContext } from "./context.js";
import { argOf, ensureChat, errorText, nowOf, replyHtml, requireManager } from "./context.js";
import { newChat } from "./context.js";

/** /start, /help, /lang and chat membership updates. */
export function basicCommands(): Composer<BotContext> {
  const c = new Composer<BotContext>();
  const cmd = c.chatType(["private", "group", "supergroup"]);

  cmd.command("start", async (ctx) => {
    const { reactivated } = await ensureChat(ctx, true);
    const m = ctx.nb.m;
    const lines = [reactivated ? m.startReactivated : ctx.chat.type === "private" ? m.startPrivate : "", "", m.help(ctx.me.username)];
    await replyHtml(ctx, lines.filter((l, i) => i > 0 || l !== "").join("\n").trim());
  });

  cmd.command("help", async (ctx) => {
    await replyHtml(ctx, ctx.nb.m.help(ctx.me.username));
  });

  cmd.command("lang", async (ctx) => {
    const arg = (await argOf(ctx, 10))?.toLowerCase();
    if (arg === null || arg === undefined) return;
    const lang = arg === "en" || arg === "english" ? "en" : arg === "zh" || arg === "中文" || arg === "cn" ? "zh" : null;
    if (!lang) return replyHtml(ctx, ctx.nb.m.langUsage);
    if (!(await requireManager(ctx))) return;
    const { chat } = await ensureChat(ctx);
    await ctx.nb.deps.store.putChat({ ...chat, lang });
    ctx.nb.lang = lang;
    ctx.nb.m = messages(lang);
    await replyHtml(ctx, ctx.nb.m.langSet);
  });

  // The bot was added, removed, blocked or unblocked. Rows are kept when inactive so that
  // subscriptions survive a kick and come back when the bot is re-added.
  c.on("my_chat_member", async (ctx) => {
    const upd = ctx.myChatMember;
    const status = upd.new_chat_member.status;
    const { store } = ctx.nb.deps;
    const existing = await store.getChat(upd.chat.id);
    const active = status === "member" || status === "administrator" || status === "creator" || status === "restricted";
    if (active) {
      const base = existing ?? newChat(upd.chat, ctx.nb.lang, nowOf(ctx.nb.deps));
      const chat = { ...base, active: true, ...("title" in upd.chat && upd.chat.title ? { title: upd.chat.title } : {}) };
      delete chat.inactiveReason;
      await store.putChat(chat);
      ctx.nb.deps.log.info({ chatId: upd.chat.id, status }, "bot added to chat / unblocked");
    } else if (existing) {
      await store.putChat({ ...existing, active: false, inactiveReason: status === "kicked" ? "kicked" : "left" });
      ctx.nb.deps.log.info({ chatId: upd.chat.id, status }, "bot removed from chat / blocked; chat kept inactive");
    }
  });

  // Group upgraded to a supergroup: the old id is dead, move everything to the new one. Both
  // service messages may arrive; migrateChat is a no-op the second time.
  c.on("message:migrate_to_chat_id", async (ctx) => {
    await migrate(ctx, ctx.chat.id, ctx.message.migrate_to_chat_id);
  });
  c.on("message:migrate_from_chat_id", async (ctx) => {
    await migrate(ctx, ctx.message.migrate_from_chat_id, ctx.chat.id);
  });

  return c;
}

async function migrate(ctx: BotContext, from: number, to: number): Promise<void> {
  const { store, log } = ctx.nb.deps;
  try {
    if (!(await store.getChat(from))) return;
    await store.migrateChat(from, to);
    log.info({ from, to }, "chat migrated to supergroup");
  } catch (e) {
    log.error({ from, to, err: errorText(e) }, "chat migration failed");
  }
}

/**
 * The fallbacks, mounted last (after any extra command family). Unknown commands get a hint — in
 * private chats always, in groups only when addressed to this bot by name (`/foo@thisbot`): a bare
 * `/foo` in a group may belong to another bot. A button nobody handled (an old keyboard, forged
 * data) gets a polite "expired" answer, so the user's client stops waiting.
 */
export function unknownCommand(): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.on("callback_query", async (ctx) => {
    await ctx.answerCallbackQuery({ text: ctx.nb.m.callbackExpired });
  });
  c.chatType(["private", "group", "supergroup"]).on("message:text", async (ctx) => {
    const m = /^\/([A-Za-z0-9_]{0,64})(?:@([A-Za-z0-9_]+))?(?:\s|$)/.exec(ctx.message.text);
    if (!m) return;
    const target = m[2];
    if (target && target.toLowerCase() !== ctx.me.username.toLowerCase()) return;
    if (ctx.chat.type !== "private" && !target) return;
    await replyHtml(ctx, ctx.nb.m.unknownCommand);
  });
  return c;
}
