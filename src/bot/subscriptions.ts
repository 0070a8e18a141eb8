/**
 * /subscribe, /unsubscribe, /subscriptions, /export and /import. In groups only chat admins may
 * change subscriptions (context.ts canManageChat). Subscribing inside a forum topic stores the
 * topic, so alerts go to that topic.
 */
import { Composer, InputFile } from "grammy";
import type { Document } from "grammy/types";
import { z } from "zod";
import type { Subscription } from "../store/types.js";
import { escapeHtml } from "../render/format.js";
import { describeSubscription, renderSubscriptions } from "../render/replies.js";
import { MAX_ARG_CHARS, parseSubscriptionArg, sanitizeArg } from "./args.js";
import type { BotContext } from "./context.js";
import { argOf, ensureChat, errorText, nowOf, replyHtml, requireManager } from "./context.js";

/** Largest /import file accepted (bytes). */
export const MAX_IMPORT_BYTES = 64 * 1024;
/** Most subscriptions one import may carry. */
export const MAX_IMPORT_ITEMS = 500;

const SubscriptionKind = z.enum(["agency", "region", "keyword", "all"]);
const SubscriptionItems = z
  .array(
    z.object({
      kind: SubscriptionKind,
      value: z.string().max(MAX_ARG_CHARS),
      threadId: z.number().int().positive().optional(),
    }),
  )
  .max(MAX_IMPORT_ITEMS);

/** The /export file format (/import also accepts its bare `subscriptions` array). */
export const SubscriptionsFile = z.object({
  version: z.literal(1).optional(),
  subscriptions: SubscriptionItems,
});

function threadOf(ctx: BotContext): number | undefined {
  return ctx.msg?.is_topic_message ? ctx.msg.message_thread_id : undefined;
}

/** The JSON /export sends for a chat's subscriptions. */
export function exportJson(subs: readonly Subscription[]): string {
  return `${JSON.stringify(
    {
      version: 1,
      subscriptions: subs.map((s) => ({ kind: s.kind, value: s.value, ...(s.threadId ? { threadId: s.threadId } : {}) })),
    },
    null,
    2,
  )}\n`;
}

/**
 * Parses an /import file's bytes into subscriptions, or a zh/en-agnostic reason (the caller
 * wraps it in the chat's language). Pure.
 */
export function parseImport(bytes: Uint8Array): { ok: true; items: { kind: Subscription["kind"]; value: string; threadId?: number }[] } | { ok: false; reason: string } {
  if (bytes.byteLength > MAX_IMPORT_BYTES) return { ok: false, reason: `> ${MAX_IMPORT_BYTES} bytes` };
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return { ok: false, reason: "JSON 格式错误 / not valid UTF-8 JSON" };
  }
  // Parsed against the shape it claims to be, so the error names the offending field.
  const r = Array.isArray(json) ? SubscriptionItems.safeParse(json) : SubscriptionsFile.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue?.path.length ? issue.path.join(".") : "(root)";
    return { ok: false, reason: `${where}: ${issue?.message ?? "invalid"}` };
  }
  const list = Array.isArray(r.data) ? r.data : r.data.subscriptions;
  const items: { kind: Subscription["kind"]; value: string; threadId?: number }[] = [];
  for (const s of list) {
    const clean = sanitizeArg(s.value);
    if (!clean.ok) continue;
    if (s.kind !== "all" && !clean.value) continue;
    items.push({ kind: s.kind, value: s.kind === "all" ? "*" : clean.value, ...(s.threadId ? { threadId: s.threadId } : {}) });
  }
  return { ok: true, items };
}

/** The subscription command family. */
export function subscriptionCommands(): Composer<BotContext> {
  const c = new Composer<BotContext>();
  const cmd = c.chatType(["private", "group", "supergroup"]);

  cmd.command("subscribe", async (ctx) => {
    const arg = await argOf(ctx);
    if (arg === null) return;
    const parsed = parseSubscriptionArg(arg);
    if (!parsed) return replyHtml(ctx, ctx.nb.m.subscribeUsage);
    if (!(await requireManager(ctx))) return;
    await ensureChat(ctx, true);
    const threadId = threadOf(ctx);
    const sub: Subscription = {
      chatId: ctx.chat.id,
      ...(threadId !== undefined ? { threadId } : {}),
      kind: parsed.kind,
      value: parsed.value,
      createdAt: nowOf(ctx.nb.deps).toISOString(),
    };
    const added = await ctx.nb.deps.store.addSubscription(sub);
    const what = describeSubscription(sub, ctx.nb.lang);
    await replyHtml(ctx, added ? ctx.nb.m.subscribed(what) : ctx.nb.m.alreadySubscribed(what));
  });

  cmd.command("unsubscribe", async (ctx) => {
    const arg = await argOf(ctx);
    if (arg === null) return;
    const parsed = parseSubscriptionArg(arg);
    if (!parsed) return replyHtml(ctx, ctx.nb.m.unsubscribeUsage);
    if (!(await requireManager(ctx))) return;
    const threadId = threadOf(ctx);
    const { store } = ctx.nb.deps;
    let removed = await store.removeSubscription(ctx.chat.id, parsed.kind, parsed.value, threadId);
    // "/unsubscribe 福建" should also remove a region subscription "福建" when no agency one exists.
    if (!removed && arg === parsed.value) {
      for (const kind of ["region", "keyword"] as const) {
        if (await store.removeSubscription(ctx.chat.id, kind, parsed.value, threadId)) {
          parsed.kind = kind;
          removed = true;
          break;
        }
      }
    }
    const what = describeSubscription({ ...parsed, ...(threadId !== undefined ? { threadId } : {}) }, ctx.nb.lang);
    await replyHtml(ctx, removed ? ctx.nb.m.unsubscribed(what) : ctx.nb.m.notSubscribed(what));
  });

  cmd.command("subscriptions", async (ctx) => {
    const subs = await ctx.nb.deps.store.listSubscriptions(ctx.chat.id);
    await replyHtml(ctx, renderSubscriptions(subs, ctx.nb.lang));
  });

  cmd.command("export", async (ctx) => {
    const subs = await ctx.nb.deps.store.listSubscriptions(ctx.chat.id);
    if (subs.length === 0) return replyHtml(ctx, ctx.nb.m.exportEmpty);
    const file = new InputFile(new TextEncoder().encode(exportJson(subs)), `nianbao-subscriptions-${ctx.chat.id}.json`);
    const thread = threadOf(ctx);
    await ctx.replyWithDocument(file, {
      caption: ctx.nb.m.exportCaption(subs.length),
      ...(thread !== undefined ? { message_thread_id: thread } : {}),
    });
  });

  // /import as a reply to a JSON document …
  cmd.command("import", async (ctx) => {
    const doc = ctx.message?.reply_to_message?.document ?? ctx.message?.document;
    if (!doc) return replyHtml(ctx, ctx.nb.m.importUsage);
    await importDocument(ctx, doc);
  });
  // … or as the caption of the document itself (grammY does not match commands in captions).
  cmd.on("message:document", async (ctx, next) => {
    const cap = ctx.message.caption ?? "";
    const m = /^\/import(?:@([A-Za-z0-9_]+))?(?:\s|$)/.exec(cap);
    if (!m || (m[1] && m[1].toLowerCase() !== ctx.me.username.toLowerCase())) return next();
    await importDocument(ctx, ctx.message.document);
  });

  return c;
}

async function importDocument(ctx: BotContext, doc: Document): Promise<void> {
  const m = ctx.nb.m;
  if (!(await requireManager(ctx))) return;
  if (doc.file_size !== undefined && doc.file_size > MAX_IMPORT_BYTES) return replyHtml(ctx, m.importTooLarge(MAX_IMPORT_BYTES));
  const { config, store, log } = ctx.nb.deps;
  let bytes: Uint8Array;
  try {
    const file = await ctx.api.getFile(doc.file_id);
    if (!file.file_path) return replyHtml(ctx, m.importBad("file_path missing"));
    if (file.file_size !== undefined && file.file_size > MAX_IMPORT_BYTES) return replyHtml(ctx, m.importTooLarge(MAX_IMPORT_BYTES));
    const url = `${config.TELEGRAM_API_ROOT.replace(/\/+$/, "")}/file/bot${config.TELEGRAM_BOT_TOKEN ?? ""}/${file.file_path}`;
    const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
    if (!res.ok || !res.body) return replyHtml(ctx, m.importBad(`HTTP ${res.status}`));
    // Read at most the cap (+1 byte to detect overflow): never trust a size header.
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      total += chunk.byteLength;
      if (total > MAX_IMPORT_BYTES) return replyHtml(ctx, m.importTooLarge(MAX_IMPORT_BYTES));
      chunks.push(chunk);
    }
    bytes = new Uint8Array(total);
    let off = 0;
    for (const ch of chunks) {
      bytes.set(ch, off);
      off += ch.byteLength;
    }
  } catch (e) {
    log.warn({ chatId: ctx.chat?.id, err: errorText(e) }, "import download failed");
    return replyHtml(ctx, m.importBad("download failed"));
  }
  const parsed = parseImport(bytes);
  if (!parsed.ok) return replyHtml(ctx, m.importBad(escapeHtml(parsed.reason)));
  await ensureChat(ctx, true);
  const chatId = ctx.chat!.id;
  const here = threadOf(ctx);
  const now = nowOf(ctx.nb.deps).toISOString();
  let added = 0;
  for (const it of parsed.items) {
    const threadId = it.threadId ?? here;
    const ok = await store.addSubscription({
      chatId,
      kind: it.kind,
      value: it.value,
      ...(threadId !== undefined ? { threadId } : {}),
      createdAt: now,
    });
    if (ok) added++;
  }
  await replyHtml(ctx, m.importDone(added, parsed.items.length - added));
}
