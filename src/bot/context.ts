/**
 * What every command composer shares: the bot's dependencies, the context flavour (chat row and
 * language loaded once per update), and small helpers — chat registration, HTML replies,
 * permission checks and argument sanitising.
 */
import type { Context } from "grammy";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import type { Chat, PortalEntry, Store } from "../store/types.js";
import type { Identity } from "../agency/identity.js";
import { defaultChat } from "../notify/chats.js";
import { messages } from "../render/i18n.js";
import type { Lang, Messages } from "../render/i18n.js";
import { sanitizeArg, MAX_ARG_CHARS } from "./args.js";

/** The portal registry as the bot sees it (src/watch/portals.ts behind it in main.ts). */
export interface PortalsApi {
  list(): PortalEntry[] | Promise<PortalEntry[]>;
  /** Adds a portal column to the registry file; absent when the process cannot write it. */
  add?(input: { url: string; name: string }): Promise<PortalEntry>;
}

/** The watcher, when it runs in the same process (main.ts). */
export interface WatcherApi {
  /** Runs one cycle now and returns its summary (shown to the admin as is). */
  runOnce(): Promise<unknown>;
  /** Health / last cycle summary for /status. */
  status?(): Promise<unknown>;
}

/** The notifier (T1's createNotifier), when present: /poll pumps it so alerts go out at once. */
export interface NotifierApi {
  pump(): Promise<unknown>;
}

/** Everything createBot needs; only main.ts builds the real ones. */
export interface BotDeps {
  store: Store;
  config: Config;
  portals: PortalsApi;
  watcher?: WatcherApi;
  notifier?: NotifierApi;
  log: Logger;
  /** Injected clock (tests). */
  now?: () => Date;
  /** Agency identity (portals + overrides) for the history commands; rebuilt by main.ts. */
  identity?: () => Identity;
}

/** Per-update state the bot's first middleware fills in. */
export interface NbState {
  deps: BotDeps;
  /** The chat's stored row, if the chat is known. */
  chat: Chat | null;
  lang: Lang;
  m: Messages;
}

/** grammY context with nianbao's flavour. */
export type BotContext = Context & { nb: NbState };

/** Telegram's fixed user id for anonymous group admins ("GroupAnonymousBot"). */
export const ANONYMOUS_ADMIN_ID = 1087968824;

/** Current time from deps (tests inject it). */
export function nowOf(deps: BotDeps): Date {
  return deps.now ? deps.now() : new Date();
}

/** A fresh chat row with defaults. */
export function newChat(tg: NonNullable<Context["chat"]>, lang: Lang, now: Date): Chat {
  return defaultChat(tg.id, now, { type: tg.type, lang, ...("title" in tg && tg.title ? { title: tg.title } : {}) });
}

/**
 * The chat's row, created (active) when missing. `reactivate` also turns an inactive chat back
 * on (a user's /start, the bot re-added to a group). Returns the row and whether it was reactivated.
 */
export async function ensureChat(ctx: BotContext, reactivate = false): Promise<{ chat: Chat; reactivated: boolean }> {
  const tg = ctx.chat;
  if (!tg) throw new Error("ensureChat: update has no chat");
  const { store } = ctx.nb.deps;
  const existing = ctx.nb.chat ?? (await store.getChat(tg.id));
  if (!existing) {
    const chat = newChat(tg, ctx.nb.lang, nowOf(ctx.nb.deps));
    await store.putChat(chat);
    ctx.nb.chat = chat;
    return { chat, reactivated: false };
  }
  let chat = existing;
  let reactivated = false;
  const title = "title" in tg ? tg.title : undefined;
  if ((reactivate && !existing.active) || (title && title !== existing.title)) {
    reactivated = reactivate && !existing.active;
    chat = { ...existing, ...(title ? { title } : {}) };
    if (reactivated) {
      chat.active = true;
      delete chat.inactiveReason;
    }
    await store.putChat(chat);
  }
  ctx.nb.chat = chat;
  return { chat, reactivated };
}

/** Reply options: HTML, no link previews, same forum topic. */
export function htmlOptions(ctx: BotContext): { parse_mode: "HTML"; link_preview_options: { is_disabled: true }; message_thread_id?: number } {
  const thread = ctx.msg?.is_topic_message ? ctx.msg.message_thread_id : undefined;
  return {
    parse_mode: "HTML",
    link_preview_options: { is_disabled: true },
    ...(thread !== undefined ? { message_thread_id: thread } : {}),
  };
}

/** Sends one or several HTML messages (already escaped and split) in order. */
export async function replyHtml(ctx: BotContext, text: string | readonly string[]): Promise<void> {
  const parts = typeof text === "string" ? [text] : text;
  for (const part of parts) await ctx.reply(part, htmlOptions(ctx));
}

/**
 * The command's argument, cleaned; replies politely and returns null when it is too long.
 * (`ctx.match` is the text after the command.)
 */
export async function argOf(ctx: BotContext, max: number = MAX_ARG_CHARS): Promise<string | null> {
  const raw = typeof ctx.match === "string" ? ctx.match : "";
  const r = sanitizeArg(raw, max);
  if (!r.ok) {
    await replyHtml(ctx, ctx.nb.m.argTooLong(r.max));
    return null;
  }
  return r.value;
}

/** True when the sender is a bot admin (ADMIN_CHAT_IDS lists the user id or this chat's id). */
export function isBotAdmin(ctx: BotContext): boolean {
  const ids = ctx.nb.deps.config.ADMIN_CHAT_IDS;
  return (ctx.from !== undefined && ids.includes(ctx.from.id)) || (ctx.chat !== undefined && ids.includes(ctx.chat.id));
}

/**
 * May the sender change this chat's subscriptions and settings? Private chats: yes. Groups: only
 * chat admins, asked of Telegram (getChatMember); an anonymous admin posts as the group itself.
 */
export async function canManageChat(ctx: BotContext): Promise<boolean> {
  const chat = ctx.chat;
  if (!chat) return false;
  if (chat.type === "private") return true;
  if (ctx.msg?.sender_chat?.id === chat.id) return true; // anonymous admin (from = 1087968824)
  const from = ctx.from;
  if (!from || from.id === ANONYMOUS_ADMIN_ID) return false;
  try {
    const member = await ctx.api.getChatMember(chat.id, from.id);
    return member.status === "creator" || member.status === "administrator";
  } catch (e) {
    ctx.nb.deps.log.warn({ chatId: chat.id, err: errorText(e) }, "getChatMember failed; treating sender as non-admin");
    return false;
  }
}

/** Replies "only admins" and returns false unless the sender may manage this chat. */
export async function requireManager(ctx: BotContext): Promise<boolean> {
  if (await canManageChat(ctx)) return true;
  await replyHtml(ctx, ctx.nb.m.groupAdminOnly);
  return false;
}

/** Loads the chat row and language for an update (first middleware). */
export async function loadState(ctx: Context, deps: BotDeps): Promise<NbState> {
  const chat = ctx.chat ? await deps.store.getChat(ctx.chat.id) : null;
  const lang: Lang = chat?.lang ?? deps.config.DEFAULT_LANG;
  return { deps, chat, lang, m: messages(lang) };
}

/** An error as one line, with any bot token redacted (tokens must never reach a log). */
export function errorText(e: unknown): string {
  const s = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return s.replace(/\d{5,}:[A-Za-z0-9_-]{20,}/g, "<token>");
}
