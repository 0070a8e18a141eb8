/**
 * Admin commands (ADMIN_CHAT_IDS lists the user or the chat): /status, /poll, /addportal.
 * Others get a polite refusal. /poll runs the cycle in the background so the bot keeps answering
 * other chats meanwhile; its summary is sent when the cycle ends.
 */
import { Composer } from "grammy";
import type { OutboxStatus } from "../store/types.js";
import { escapeHtml, splitMessage } from "../render/format.js";
import { renderObject, renderStatus } from "../render/replies.js";
import type { BotContext } from "./context.js";
import { argOf, errorText, htmlOptions, isBotAdmin, nowOf, replyHtml } from "./context.js";
import { missingReports } from "../agency/analyze.js";

/** The admin command family. */
export function adminCommands(): Composer<BotContext> {
  const c = new Composer<BotContext>();
  const cmd = c.chatType(["private", "group", "supergroup"]);
  let polling: Promise<void> | null = null;

  cmd.command("status", async (ctx) => {
    if (!isBotAdmin(ctx)) return replyHtml(ctx, ctx.nb.m.adminOnly);
    const { store, portals, watcher, log } = ctx.nb.deps;
    const outbox: Partial<Record<OutboxStatus, number>> = {};
    for (const o of await store.listOutbox()) outbox[o.status] = (outbox[o.status] ?? 0) + 1;
    const chats = await store.listChats();
    let watcherStatus: unknown;
    if (watcher) {
      try {
        watcherStatus = watcher.status ? await watcher.status() : ((await store.getMeta("watch:lastCycle")) ?? {});
      } catch (e) {
        log.warn({ err: errorText(e) }, "watcher status failed");
        watcherStatus = { error: errorText(e) };
      }
    }
    const portalList = await portals.list();
    let missing: Awaited<ReturnType<typeof missingReports>> = [];
    try {
      missing = await missingReports(store, portalList, nowOf(ctx.nb.deps), ctx.nb.deps.identity ? { identity: ctx.nb.deps.identity() } : {});
    } catch (e) {
      log.warn({ err: errorText(e) }, "missing-report check failed");
    }
    await replyHtml(
      ctx,
      renderStatus(
        {
          portals: portalList,
          missing,
          states: await store.listPortalStates(),
          reports: await store.countReports(),
          outbox,
          chats: { active: chats.filter((x) => x.active).length, total: chats.length },
          ...(watcher ? { watcher: watcherStatus } : {}),
        },
        ctx.nb.lang,
      ),
    );
  });

  cmd.command("poll", async (ctx) => {
    if (!isBotAdmin(ctx)) return replyHtml(ctx, ctx.nb.m.adminOnly);
    const { watcher, notifier, log } = ctx.nb.deps;
    if (!watcher) return replyHtml(ctx, ctx.nb.m.pollUnavailable);
    const m = ctx.nb.m;
    await replyHtml(ctx, m.pollStarted);
    if (polling) return; // one cycle at a time; its summary goes to whoever started it
    const chatId = ctx.chat.id;
    const opts = htmlOptions(ctx);
    polling = (async () => {
      let parts: string[];
      try {
        const summary = await watcher.runOnce();
        if (notifier) await notifier.pump();
        parts = splitMessage([m.pollDone, ...renderObject(summary, 0, m.cycleLabels)]);
      } catch (e) {
        log.error({ err: errorText(e) }, "/poll cycle failed");
        parts = [`${m.genericError}\n${escapeHtml(errorText(e).slice(0, 300))}`];
      }
      try {
        for (const part of parts) await ctx.api.sendMessage(chatId, part, opts);
      } catch (e) {
        log.warn({ chatId, err: errorText(e) }, "could not send /poll summary");
      }
    })().finally(() => {
      polling = null;
    });
  });

  cmd.command("addportal", async (ctx) => {
    if (!isBotAdmin(ctx)) return replyHtml(ctx, ctx.nb.m.adminOnly);
    const m = ctx.nb.m;
    const arg = await argOf(ctx, 600);
    if (arg === null) return;
    const sp = arg.indexOf(" ");
    const url = sp < 0 ? arg : arg.slice(0, sp);
    const name = sp < 0 ? "" : arg.slice(sp + 1).trim();
    if (!url || !name || name.length > 100) return replyHtml(ctx, m.addportalUsage);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return replyHtml(ctx, m.addportalBadUrl);
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return replyHtml(ctx, m.addportalBadUrl);
    const { portals, log } = ctx.nb.deps;
    if (!portals.add) return replyHtml(ctx, m.addportalUnavailable);
    try {
      const entry = await portals.add({ url: parsed.href, name });
      await replyHtml(ctx, m.addportalDone(escapeHtml(entry.name), escapeHtml(entry.id)));
    } catch (e) {
      log.warn({ err: errorText(e) }, "/addportal failed");
      await replyHtml(ctx, m.addportalFailed(escapeHtml((e instanceof Error ? e.message : String(e)).slice(0, 300))));
    }
  });

  return c;
}
