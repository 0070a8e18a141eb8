/**
 * A Telegram Bot API emulator over real HTTP on 127.0.0.1, for end-to-end tests and benchmarks.
 *
 * grammY talks to it exactly as to api.telegram.org: `new Bot(emu.token, { client: { apiRoot:
 * emu.apiRoot }, botInfo: emu.botInfo })`, or `new Api(emu.token, { apiRoot: emu.apiRoot })`.
 * It accepts JSON, application/x-www-form-urlencoded and multipart/form-data bodies (grammY uses
 * multipart when an InputFile is sent), answers like Telegram (`{ok, result}` / `{ok:false,
 * error_code, description, parameters}`), validates what Telegram validates where it matters to
 * us (HTML entities, 4096 characters after entity parsing, callback_data ≤ 64 bytes, command
 * names) and can enforce Telegram-like rate limits and inject faults (403, 429, 5xx, migration,
 * dropped connections — before or after the call is carried out — for one method, optionally
 * for one chat only; see `failNext`).
 *
 * Records: `calls` (every API call), `messages(chatId)` (the bot's messages, current state after
 * edits and deletes; `text` is the raw text as sent, `plain` the text after entity parsing).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Message, Update, UserFromGetMe } from "grammy/types";

/** Telegram's GroupAnonymousBot: anonymous group admins send as this user with sender_chat. */
export const ANONYMOUS_ADMIN_ID = 1087968824;

export interface EmulatorOptions {
  token?: string;
  botId?: number;
  botUsername?: string;
  /** When set, exceeding a limit → 429 with a (fractional) retry_after. Default false. */
  limits?: { perChatPerSec: number; perGroupPerMin: number; globalPerSec: number } | false;
  /** Delay before answering each call (not getUpdates' waiting), ms. */
  latencyMs?: number;
}

/** The limits Telegram documents for bots (per chat 1/s, per group 20/min, overall ~30/s; we use 25). */
export const TELEGRAM_LIKE_LIMITS = { perChatPerSec: 1, perGroupPerMin: 20, globalPerSec: 25 } as const;

export interface EmuUser {
  id: number;
  first_name?: string;
  username?: string;
  last_name?: string;
  language_code?: string;
}

export interface EmuChat {
  id: number;
  type: "private" | "group" | "supergroup";
  title?: string;
  is_forum?: boolean;
}

export interface EmuFault {
  /** HTTP/Telegram error code; 0 drops the connection without an answer (a network error). */
  code: number;
  description: string;
  retry_after?: number;
  migrate_to_chat_id?: number;
  /** Only calls to this chat_id take the fault (others pass untouched). */
  chatId?: number;
  /**
   * With code 0: the call is carried out (the message is delivered) and THEN the connection is
   * dropped — the client sees a network error for a send that happened (Telegram has no
   * idempotency key, so a retry would duplicate it).
   */
  afterDelivery?: boolean;
}

/** One of the bot's messages as it stands now. */
export interface EmuMessage {
  message_id: number;
  /** Raw text as sent (HTML source when parse_mode is HTML); caption for documents/photos. */
  text: string;
  /** Text after entity parsing (what the user sees). */
  plain: string;
  parse_mode?: string;
  reply_markup?: unknown;
  message_thread_id?: number;
  disable_notification?: boolean;
  date: number;
  edited?: boolean;
  document?: { file_id: string; file_name: string; mime_type?: string; content: Buffer };
  photo?: { file_id: string; content: Buffer };
}

export interface EmuCall {
  method: string;
  params: Record<string, unknown>;
  at: number;
}

interface StoredFile {
  file_id: string;
  file_unique_id: string;
  file_path: string;
  file_name: string;
  mime_type?: string;
  content: Buffer;
}

class ApiError extends Error {
  constructor(
    public readonly code: number,
    public readonly description: string,
    public readonly parameters?: Record<string, unknown>,
  ) {
    super(description);
  }
}

const HTML_TAGS = new Set([
  "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "code", "pre",
  "blockquote", "tg-emoji",
]);
const NAMED_ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };
const ENTITY_TYPE: Record<string, string> = {
  b: "bold", strong: "bold", i: "italic", em: "italic", u: "underline", ins: "underline", s: "strikethrough",
  strike: "strikethrough", del: "strikethrough", span: "spoiler", "tg-spoiler": "spoiler", a: "text_link",
  code: "code", pre: "pre", blockquote: "blockquote", "tg-emoji": "custom_emoji",
};

/**
 * Parses Telegram HTML like the Bot API does: returns the plain text and entities, or throws the
 * 400 "can't parse entities" error Telegram gives for malformed markup.
 */
export function parseTelegramHtml(html: string): { text: string; entities: { type: string; offset: number; length: number; url?: string }[] } {
  let text = "";
  const entities: { type: string; offset: number; length: number; url?: string }[] = [];
  const stack: { name: string; offset: number; url?: string }[] = [];
  const byteOffset = (i: number): number => Buffer.byteLength(html.slice(0, i));
  let i = 0;
  while (i < html.length) {
    const c = html[i]!;
    if (c === "<") {
      const tagRe = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^<>]*)?)>/y;
      tagRe.lastIndex = i;
      const m = tagRe.exec(html);
      if (!m) {
        throw new ApiError(400, `Bad Request: can't parse entities: Unsupported start tag "" at byte offset ${byteOffset(i)}`);
      }
      const closing = m[1] === "/";
      const name = (m[2] ?? "").toLowerCase();
      if (!HTML_TAGS.has(name)) {
        throw new ApiError(
          400,
          `Bad Request: can't parse entities: Unsupported ${closing ? "end" : "start"} tag "${name}" at byte offset ${byteOffset(i)}`,
        );
      }
      if (closing) {
        const top = stack.pop();
        if (!top || top.name !== name) {
          throw new ApiError(
            400,
            `Bad Request: can't parse entities: Unmatched end tag at byte offset ${byteOffset(i)}, expected "</${top?.name ?? ""}>", found "</${name}>"`,
          );
        }
        const length = text.length - top.offset;
        if (length > 0) {
          const e: { type: string; offset: number; length: number; url?: string } = { type: ENTITY_TYPE[name] ?? name, offset: top.offset, length };
          if (top.url !== undefined) e.url = top.url;
          entities.push(e);
        }
      } else {
        const href = /href\s*=\s*"([^"]*)"|href\s*=\s*'([^']*)'/.exec(m[3] ?? "");
        const url = href ? decodeEntities(href[1] ?? href[2] ?? "") : undefined;
        stack.push({ name, offset: text.length, ...(url !== undefined ? { url } : {}) });
      }
      i += m[0].length;
      continue;
    }
    if (c === "&") {
      const m = /^&(#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]+);/.exec(html.slice(i, i + 12));
      if (m) {
        const body = m[1] ?? "";
        let ch: string | undefined;
        if (body.startsWith("#x")) ch = String.fromCodePoint(parseInt(body.slice(2), 16));
        else if (body.startsWith("#")) ch = String.fromCodePoint(parseInt(body.slice(1), 10));
        else ch = NAMED_ENTITIES[body];
        if (ch !== undefined) {
          text += ch;
          i += m[0].length;
          continue;
        }
      }
      // Telegram keeps an unknown or bare "&" as text.
      text += c;
      i++;
      continue;
    }
    text += c;
    i++;
  }
  if (stack.length) {
    throw new ApiError(400, `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "${stack[stack.length - 1]!.name}"`);
  }
  return { text, entities: entities.sort((a, b) => a.offset - b.offset) };
}

function decodeEntities(s: string): string {
  return s.replace(/&(lt|gt|amp|quot);/g, (_, n: string) => NAMED_ENTITIES[n] ?? "");
}

/** Numeric fields that arrive as strings in form bodies. */
const NUMERIC_FIELDS = new Set([
  "chat_id", "message_id", "message_thread_id", "offset", "limit", "timeout", "user_id", "from_chat_id",
  "reply_to_message_id", "cache_time",
]);
const BOOLEAN_FIELDS = new Set(["disable_notification", "show_alert", "protect_content", "drop_pending_updates"]);

function coerceFormValue(key: string, v: string): unknown {
  if (NUMERIC_FIELDS.has(key) && /^-?\d+$/.test(v)) return Number(v);
  if (BOOLEAN_FIELDS.has(key)) return v === "true";
  if ((v.startsWith("{") || v.startsWith("[")) && key !== "text" && key !== "caption") {
    try {
      return JSON.parse(v) as unknown;
    } catch {
      return v;
    }
  }
  return v;
}

interface MultipartFile {
  filename: string;
  contentType?: string;
  content: Buffer;
}

function parseMultipart(body: Buffer, boundary: string): { fields: Record<string, string>; files: Record<string, MultipartFile> } {
  const fields: Record<string, string> = {};
  const files: Record<string, MultipartFile> = {};
  const delim = Buffer.from(`--${boundary}`);
  let pos = body.indexOf(delim);
  while (pos >= 0) {
    let start = pos + delim.length;
    if (body.subarray(start, start + 2).toString() === "--") break;
    if (body.subarray(start, start + 2).toString() === "\r\n") start += 2;
    const next = body.indexOf(delim, start);
    if (next < 0) break;
    let end = next;
    if (body.subarray(end - 2, end).toString() === "\r\n") end -= 2;
    const part = body.subarray(start, end);
    const sep = part.indexOf("\r\n\r\n");
    if (sep >= 0) {
      const headers = part.subarray(0, sep).toString("utf8");
      const content = part.subarray(sep + 4);
      const name = /name="([^"]*)"/i.exec(headers)?.[1];
      const fnm = /filename="([^"]*)"/i.exec(headers)?.[1] ?? /filename=([^;\r\n]*)/i.exec(headers)?.[1];
      const ctype = /content-type:\s*([^\r\n]*)/i.exec(headers)?.[1];
      if (name !== undefined) {
        if (fnm !== undefined) files[name] = { filename: fnm.trim(), content: Buffer.from(content), ...(ctype ? { contentType: ctype.trim() } : {}) };
        else fields[name] = content.toString("utf8");
      }
    }
    pos = next;
  }
  return { fields, files };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

interface Waiter {
  res: ServerResponse;
  offset: number;
  limit: number;
  allowed?: string[];
  timer: NodeJS.Timeout;
}

/** A Telegram Bot API emulator listening on 127.0.0.1 (see the file comment). */
export class TelegramEmulator {
  readonly token: string;
  readonly botInfo: UserFromGetMe;
  /** Every API call, in arrival order (file contents summarised). */
  readonly calls: EmuCall[] = [];
  /** Answers given to callback queries, by query id. */
  readonly callbackAnswers = new Map<string, { text?: string; show_alert?: boolean }>();
  /** Count of 429 answers given by the rate limiter (not by failNext). */
  rateLimited = 0;
  /** Which limit each of those 429s enforced. */
  readonly limitHits: { chatId: number; limit: "chat" | "group" | "global"; retryAfter: number; at: number }[] = [];

  private server!: Server;
  private port = 0;
  private readonly sockets = new Set<Socket>();
  private readonly limits: EmulatorOptions["limits"];
  private readonly latencyMs: number;
  private readonly chats = new Map<number, EmuChat>();
  private readonly members = new Map<number, Map<number, { status: string; user: EmuUser }>>();
  private readonly blocked = new Map<number, string>();
  private readonly migrated = new Map<number, number>();
  private readonly faults = new Map<string, EmuFault[]>();
  private readonly msgs = new Map<number, EmuMessage[]>();
  private readonly userMsgs = new Map<number, Message[]>();
  private readonly nextMsgId = new Map<number, number>();
  private readonly commands = new Map<string, unknown[]>();
  private readonly files = new Map<string, StoredFile>();
  private readonly openQueries = new Set<string>();
  private updates: Update[] = [];
  private nextUpdateId = 1;
  private waiter: Waiter | null = null;
  private readonly sendTimes: number[] = [];
  private readonly chatSendTimes = new Map<number, number[]>();
  private fileSeq = 1;
  private querySeq = 1;
  private stopped = false;

  private constructor(opts: EmulatorOptions) {
    const botId = opts.botId ?? 7000000001;
    this.token = opts.token ?? `${botId}:AAEmulatorTokenForTestsOnly_0123456789`;
    this.botInfo = {
      id: botId,
      is_bot: true,
      first_name: "年报机器人",
      username: opts.botUsername ?? "nianbao_test_bot",
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
    } as UserFromGetMe;
    this.limits = opts.limits ?? false;
    this.latencyMs = opts.latencyMs ?? 0;
  }

  /** Starts an emulator on 127.0.0.1 with a free port. */
  static async start(opts: EmulatorOptions = {}): Promise<TelegramEmulator> {
    const emu = new TelegramEmulator(opts);
    emu.server = createServer((req, res) => {
      emu.handle(req, res).catch((e: unknown) => {
        if (!res.headersSent) emu.reply(res, 500, { ok: false, error_code: 500, description: `Internal Server Error: ${String(e)}` });
      });
    });
    emu.server.keepAliveTimeout = 60_000;
    emu.server.on("connection", (s: Socket) => {
      emu.sockets.add(s);
      s.on("close", () => emu.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      emu.server.once("error", reject);
      emu.server.listen(0, "127.0.0.1", () => resolve());
    });
    emu.port = (emu.server.address() as AddressInfo).port;
    return emu;
  }

  /** "http://127.0.0.1:PORT" — grammY's `client.apiRoot`. */
  get apiRoot(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Stops listening, ends pending long polls and drops every connection. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.waiter) {
      clearTimeout(this.waiter.timer);
      this.reply(this.waiter.res, 200, { ok: true, result: [] });
      this.waiter = null;
    }
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
  }

  // ---------------------------------------------------------------- users and chats

  /** Registers a chat the bot is in (sends to unknown chats fail with "chat not found"). */
  addChat(chat: EmuChat): void {
    this.chats.set(chat.id, { ...chat });
  }

  /** The chat as the emulator knows it. */
  getChat(chatId: number): EmuChat | undefined {
    return this.chats.get(chatId);
  }

  /** Sets a user's membership status in a chat (for getChatMember / getChatAdministrators). */
  setMember(chatId: number, userId: number, status: "creator" | "administrator" | "member" | "left" | "kicked", user?: EmuUser): void {
    let m = this.members.get(chatId);
    if (!m) this.members.set(chatId, (m = new Map()));
    m.set(userId, { status, user: user ?? m.get(userId)?.user ?? { id: userId, first_name: `用户${userId}` } });
  }

  // ---------------------------------------------------------------- incoming updates

  /** Queues a message from a user (bot_command entities filled in); returns the Update. */
  userMessage(chatId: number, from: EmuUser, text: string, extra: Record<string, unknown> = {}): Update {
    const chat = this.ensureChat(chatId);
    const entities: { type: string; offset: number; length: number }[] = [];
    const cmd = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(text);
    if (cmd) entities.push({ type: "bot_command", offset: 0, length: cmd[0].length });
    const message = {
      message_id: this.allocMsgId(chatId),
      date: Math.floor(Date.now() / 1000),
      chat: this.chatObject(chat),
      from: this.userObject(from),
      ...(from.id === ANONYMOUS_ADMIN_ID ? { sender_chat: this.chatObject(chat) } : {}),
      text,
      ...(entities.length ? { entities } : {}),
      ...extra,
    } as unknown as Message;
    this.rememberUserMessage(chatId, message);
    return this.pushUpdate({ message } as Omit<Update, "update_id">);
  }

  /** Queues a document sent by a user (for /import); the file can be fetched via getFile. */
  userDocument(
    chatId: number,
    from: EmuUser,
    file: { name: string; content: string | Buffer; mimeType?: string },
    caption?: string,
  ): Update {
    const chat = this.ensureChat(chatId);
    const stored = this.storeFile(file.name, Buffer.from(file.content), file.mimeType);
    const entities: { type: string; offset: number; length: number }[] = [];
    const cmd = caption ? /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(caption) : null;
    if (cmd) entities.push({ type: "bot_command", offset: 0, length: cmd[0].length });
    const message = {
      message_id: this.allocMsgId(chatId),
      date: Math.floor(Date.now() / 1000),
      chat: this.chatObject(chat),
      from: this.userObject(from),
      document: {
        file_id: stored.file_id,
        file_unique_id: stored.file_unique_id,
        file_name: stored.file_name,
        ...(stored.mime_type ? { mime_type: stored.mime_type } : {}),
        file_size: stored.content.length,
      },
      ...(caption !== undefined ? { caption } : {}),
      ...(entities.length ? { caption_entities: entities } : {}),
    } as unknown as Message;
    this.rememberUserMessage(chatId, message);
    return this.pushUpdate({ message } as Omit<Update, "update_id">);
  }

  /** Queues a callback_query for a button under one of the bot's messages (old ids allowed). */
  pressButton(chatId: number, from: EmuUser, messageId: number, data: string): Update {
    const chat = this.ensureChat(chatId);
    const m = this.msgs.get(chatId)?.find((x) => x.message_id === messageId);
    const message = m
      ? {
          message_id: m.message_id,
          date: m.date,
          chat: this.chatObject(chat),
          from: this.userObject(this.botInfo),
          text: m.plain,
          ...(m.reply_markup ? { reply_markup: m.reply_markup } : {}),
          ...(m.message_thread_id !== undefined ? { message_thread_id: m.message_thread_id } : {}),
        }
      : { message_id: messageId, date: 0, chat: this.chatObject(chat) }; // InaccessibleMessage
    const id = `${this.botInfo.id}${String(this.querySeq++).padStart(6, "0")}`;
    this.openQueries.add(id);
    return this.pushUpdate({
      callback_query: { id, from: this.userObject(from), message, chat_instance: String(chatId), data },
    } as unknown as Omit<Update, "update_id">);
  }

  /** Queues any update (e.g. my_chat_member); assigns update_id. */
  pushUpdate(update: Omit<Update, "update_id">): Update {
    const u = { update_id: this.nextUpdateId++, ...update } as Update;
    this.updates.push(u);
    this.serveWaiter();
    return u;
  }

  /** Updates queued and not yet confirmed by an offset. */
  pendingUpdates(): number {
    return this.updates.length;
  }

  // ---------------------------------------------------------------- behaviour and faults

  /** Subsequent sends to the chat fail with 403 (blocked by the user / kicked from the group). */
  block(chatId: number, description?: string): void {
    const chat = this.chats.get(chatId);
    const d =
      description ??
      (chat && chat.type !== "private" ? "Forbidden: bot was kicked from the group chat" : "Forbidden: bot was blocked by the user");
    this.blocked.set(chatId, d);
  }

  /** Undoes `block`. */
  unblock(chatId: number): void {
    this.blocked.delete(chatId);
  }

  /** Upgrades a group: sends to the old id fail with 400 + migrate_to_chat_id; the new chat exists. */
  migrate(chatId: number, newChatId: number): void {
    const old = this.chats.get(chatId);
    this.migrated.set(chatId, newChatId);
    this.chats.set(newChatId, { id: newChatId, type: "supergroup", ...(old?.title ? { title: old.title } : {}) });
    const m = this.members.get(chatId);
    if (m) this.members.set(newChatId, new Map(m));
  }

  /** The next `n` calls of `method` fail with `err` (code 0 = the connection is dropped). */
  failNext(method: string, n: number, err: EmuFault): void {
    const q = this.faults.get(method) ?? [];
    for (let i = 0; i < n; i++) q.push({ ...err });
    this.faults.set(method, q);
  }

  /** Faults still queued (all methods). */
  faultsLeft(): number {
    let n = 0;
    for (const q of this.faults.values()) n += q.length;
    return n;
  }

  /** The first queued fault of `method` that applies to `chatId` (removed from the queue). */
  private takeFault(method: string, chatId: unknown): EmuFault | undefined {
    const q = this.faults.get(method);
    if (!q) return undefined;
    const i = q.findIndex((f) => f.chatId === undefined || f.chatId === chatId);
    return i < 0 ? undefined : q.splice(i, 1)[0];
  }

  // ---------------------------------------------------------------- records

  /** The bot's messages in a chat (optionally one forum topic), current state. */
  messages(chatId: number, threadId?: number): EmuMessage[] {
    const all = this.msgs.get(chatId) ?? [];
    return threadId === undefined ? all.slice() : all.filter((m) => m.message_thread_id === threadId);
  }

  /** Every chat id the bot has sent a message to. */
  chatsWithMessages(): number[] {
    return [...this.msgs.entries()].filter(([, v]) => v.length > 0).map(([k]) => k);
  }

  /** Commands set with setMyCommands for a scope (default {type:"default"}) and language. */
  myCommands(scope: unknown = { type: "default" }, languageCode = ""): unknown[] | undefined {
    return this.commands.get(this.commandsKey(scope, languageCode));
  }

  /** Calls of one method. */
  callsOf(method: string): EmuCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Polls `pred` every 10 ms until it returns a truthy value (rejects after `timeoutMs`). */
  async waitFor<T>(pred: () => T | undefined | false | null, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = pred();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`waitFor: condition not met within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  // ---------------------------------------------------------------- HTTP

  private reply(res: ServerResponse, status: number, body: unknown): void {
    if (res.writableEnded || res.destroyed) return;
    const json = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
    res.end(json);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const fileMatch = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (fileMatch) {
      const f = [...this.files.values()].find((x) => x.file_path === decodeURIComponent(fileMatch[2] ?? ""));
      if (fileMatch[1] !== this.token || !f) return this.reply(res, 404, { ok: false, error_code: 404, description: "Not Found" });
      res.writeHead(200, { "content-type": f.mime_type ?? "application/octet-stream", "content-length": f.content.length });
      res.end(f.content);
      return;
    }
    const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    const body = await readBody(req);
    if (!m) return this.reply(res, 404, { ok: false, error_code: 404, description: "Not Found" });
    if (m[1] !== this.token) return this.reply(res, 401, { ok: false, error_code: 401, description: "Unauthorized" });
    const method = m[2] ?? "";
    const { params, files } = this.parseParams(req, url, body);
    const summary: Record<string, unknown> = { ...params };
    for (const [k, f] of Object.entries(files)) summary[k] = { filename: f.filename, size: f.content.length };
    this.calls.push({ method, params: summary, at: Date.now() });

    if (this.latencyMs > 0 && method !== "getUpdates") await new Promise((r) => setTimeout(r, this.latencyMs));

    const fault = this.takeFault(method, params.chat_id);
    if (fault) {
      if (fault.code === 0) {
        if (fault.afterDelivery) {
          try {
            this.dispatch(method, params, files);
          } catch {
            // delivered or not, the client hears nothing
          }
        }
        req.socket.destroy();
        return;
      }
      const parameters: Record<string, unknown> = {};
      if (fault.retry_after !== undefined) parameters.retry_after = fault.retry_after;
      if (fault.migrate_to_chat_id !== undefined) parameters.migrate_to_chat_id = fault.migrate_to_chat_id;
      return this.reply(res, fault.code, {
        ok: false,
        error_code: fault.code,
        description: fault.description,
        ...(Object.keys(parameters).length ? { parameters } : {}),
      });
    }

    if (method.toLowerCase() === "getupdates") return this.getUpdates(res, params);
    try {
      const result = this.dispatch(method, params, files);
      this.reply(res, 200, { ok: true, result });
    } catch (e) {
      if (e instanceof ApiError) {
        this.reply(res, e.code, { ok: false, error_code: e.code, description: e.description, ...(e.parameters ? { parameters: e.parameters } : {}) });
      } else {
        throw e;
      }
    }
  }

  private parseParams(
    req: IncomingMessage,
    url: URL,
    body: Buffer,
  ): { params: Record<string, unknown>; files: Record<string, MultipartFile> } {
    const params: Record<string, unknown> = {};
    let files: Record<string, MultipartFile> = {};
    for (const [k, v] of url.searchParams) params[k] = coerceFormValue(k, v);
    const ctype = req.headers["content-type"] ?? "";
    if (body.length === 0) return { params, files };
    if (ctype.includes("application/json")) {
      Object.assign(params, JSON.parse(body.toString("utf8")) as Record<string, unknown>);
    } else if (ctype.includes("application/x-www-form-urlencoded")) {
      for (const [k, v] of new URLSearchParams(body.toString("utf8"))) params[k] = coerceFormValue(k, v);
    } else if (ctype.includes("multipart/form-data")) {
      const boundary = /boundary=("?)([^";]+)\1/.exec(ctype)?.[2] ?? "";
      const mp = parseMultipart(body, boundary);
      for (const [k, v] of Object.entries(mp.fields)) params[k] = coerceFormValue(k, v);
      files = mp.files;
    }
    return { params, files };
  }

  // ---------------------------------------------------------------- getUpdates

  private getUpdates(res: ServerResponse, p: Record<string, unknown>): void {
    const offset = typeof p.offset === "number" ? p.offset : 0;
    const limit = Math.min(Math.max(typeof p.limit === "number" ? p.limit : 100, 1), 100);
    const timeout = typeof p.timeout === "number" ? p.timeout : 0;
    const allowed = Array.isArray(p.allowed_updates) && p.allowed_updates.length ? (p.allowed_updates as string[]) : undefined;
    if (this.waiter) {
      // Telegram ends the older long poll when a newer one arrives.
      clearTimeout(this.waiter.timer);
      this.reply(this.waiter.res, 409, { ok: false, error_code: 409, description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running" });
      this.waiter = null;
    }
    if (offset > 0) this.updates = this.updates.filter((u) => u.update_id >= offset);
    const ready = this.takeUpdates(limit, allowed);
    if (ready.length || timeout <= 0 || this.stopped) return this.reply(res, 200, { ok: true, result: ready });
    const waiter: Waiter = {
      res,
      offset,
      limit,
      ...(allowed ? { allowed } : {}),
      timer: setTimeout(() => {
        if (this.waiter === waiter) this.waiter = null;
        this.reply(res, 200, { ok: true, result: [] });
      }, timeout * 1000),
    };
    this.waiter = waiter;
    res.on("close", () => {
      if (this.waiter === waiter) {
        clearTimeout(waiter.timer);
        this.waiter = null;
      }
    });
  }

  private takeUpdates(limit: number, allowed?: string[]): Update[] {
    if (allowed) {
      // Updates of types not asked for are dropped, as Telegram does.
      this.updates = this.updates.filter((u) => Object.keys(u).some((k) => k !== "update_id" && allowed.includes(k)));
    }
    return this.updates.slice(0, limit);
  }

  private serveWaiter(): void {
    const w = this.waiter;
    if (!w) return;
    const ready = this.takeUpdates(w.limit, w.allowed);
    if (!ready.length) return;
    clearTimeout(w.timer);
    this.waiter = null;
    this.reply(w.res, 200, { ok: true, result: ready });
  }

  // ---------------------------------------------------------------- methods

  private dispatch(method: string, p: Record<string, unknown>, files: Record<string, MultipartFile>): unknown {
    switch (method) {
      case "getMe":
        return this.botInfo;
      case "logOut":
      case "close":
      case "deleteWebhook":
      case "setWebhook":
      case "sendChatAction":
      case "setMyDescription":
      case "setMyShortDescription":
      case "setChatMenuButton":
        return true;
      case "getWebhookInfo":
        return { url: "", has_custom_certificate: false, pending_update_count: this.updates.length };
      case "sendMessage":
        return this.sendMessage(p);
      case "sendDocument":
        return this.sendFile(p, files, "document");
      case "sendPhoto":
        return this.sendFile(p, files, "photo");
      case "editMessageText":
        return this.editMessageText(p);
      case "editMessageReplyMarkup":
        return this.editMessageReplyMarkup(p);
      case "deleteMessage":
        return this.deleteMessage(p);
      case "answerCallbackQuery":
        return this.answerCallbackQuery(p);
      case "setMyCommands":
        return this.setMyCommands(p);
      case "deleteMyCommands":
        this.commands.delete(this.commandsKey(p.scope, p.language_code));
        return true;
      case "getMyCommands":
        return this.commands.get(this.commandsKey(p.scope, p.language_code)) ?? [];
      case "getChat":
        return this.getChatInfo(p);
      case "getChatMember":
        return this.getChatMember(p);
      case "getChatAdministrators":
        return this.getChatAdministrators(p);
      case "getChatMemberCount":
        return this.members.get(this.chatIdOf(p))?.size ?? 1;
      case "leaveChat":
        this.chats.delete(this.chatIdOf(p));
        return true;
      case "getFile":
        return this.getFile(p);
      default:
        throw new ApiError(404, "Not Found");
    }
  }

  private chatIdOf(p: Record<string, unknown>): number {
    const v = p.chat_id;
    if (typeof v === "number") return v;
    if (typeof v === "string" && /^-?\d+$/.test(v)) return Number(v);
    if (v === undefined || v === "") throw new ApiError(400, "Bad Request: chat_id is empty");
    throw new ApiError(400, "Bad Request: chat not found");
  }

  /** Common checks for anything that sends a message to a chat; returns the chat. */
  private checkSendable(p: Record<string, unknown>): EmuChat {
    const chatId = this.chatIdOf(p);
    const to = this.migrated.get(chatId);
    if (to !== undefined) {
      throw new ApiError(400, "Bad Request: group chat was upgraded to a supergroup chat", { migrate_to_chat_id: to });
    }
    const blocked = this.blocked.get(chatId);
    if (blocked) throw new ApiError(403, blocked);
    const chat = this.chats.get(chatId);
    if (!chat) throw new ApiError(400, "Bad Request: chat not found");
    this.checkRate(chat);
    return chat;
  }

  private checkRate(chat: EmuChat): void {
    const lim = this.limits;
    if (!lim) return;
    const now = Date.now();
    const waits: { ms: number; limit: "chat" | "group" | "global" }[] = [];
    const prune = (arr: number[], windowMs: number): void => {
      while (arr.length && arr[0]! <= now - windowMs) arr.shift();
    };
    prune(this.sendTimes, 1000);
    if (this.sendTimes.length >= lim.globalPerSec) waits.push({ ms: this.sendTimes[this.sendTimes.length - lim.globalPerSec]! + 1000 - now, limit: "global" });
    const ct = this.chatSendTimes.get(chat.id) ?? [];
    prune(ct, 60_000);
    const lastSec = ct.filter((t) => t > now - 1000);
    if (lastSec.length >= lim.perChatPerSec) waits.push({ ms: lastSec[lastSec.length - lim.perChatPerSec]! + 1000 - now, limit: "chat" });
    if (chat.type !== "private" && ct.length >= lim.perGroupPerMin) waits.push({ ms: ct[ct.length - lim.perGroupPerMin]! + 60_000 - now, limit: "group" });
    if (waits.length) {
      this.rateLimited++;
      const worst = waits.reduce((a, b) => (b.ms > a.ms ? b : a));
      const secs = Math.max(0.01, Math.ceil(worst.ms / 10) / 100);
      this.limitHits.push({ chatId: chat.id, limit: worst.limit, retryAfter: secs, at: now });
      throw new ApiError(429, `Too Many Requests: retry after ${secs}`, { retry_after: secs });
    }
  }

  /** Records a successful send for the rate limiter. */
  private countSend(chatId: number): void {
    if (!this.limits) return;
    const now = Date.now();
    this.sendTimes.push(now);
    const ct = this.chatSendTimes.get(chatId) ?? [];
    ct.push(now);
    this.chatSendTimes.set(chatId, ct);
  }

  private parseText(text: unknown, parseMode: unknown, what: "message text" | "caption"): { plain: string; entities: unknown[] } {
    if (typeof text !== "string" || text.trim() === "") {
      if (what === "caption") return { plain: "", entities: [] };
      throw new ApiError(400, "Bad Request: message text is empty");
    }
    let plain = text;
    let entities: unknown[] = [];
    if (typeof parseMode === "string" && parseMode.toLowerCase() === "html") {
      const r = parseTelegramHtml(text);
      plain = r.text;
      entities = r.entities;
    }
    if (plain.trim() === "") throw new ApiError(400, `Bad Request: ${what} is empty`);
    const max = what === "caption" ? 1024 : 4096;
    if (plain.length > max) throw new ApiError(400, what === "caption" ? "Bad Request: message caption is too long" : "Bad Request: message is too long");
    return { plain, entities };
  }

  private checkMarkup(markup: unknown): void {
    if (markup === undefined) return;
    if (typeof markup !== "object" || markup === null) throw new ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object");
    const kb = (markup as { inline_keyboard?: unknown }).inline_keyboard;
    if (kb === undefined) return;
    if (!Array.isArray(kb) || kb.some((row) => !Array.isArray(row))) {
      throw new ApiError(400, "Bad Request: can't parse inline keyboard button: InlineKeyboardMarkup must be an Array of Arrays");
    }
    for (const row of kb as unknown[][]) {
      for (const b of row) {
        const btn = b as { text?: unknown; callback_data?: unknown; url?: unknown };
        if (typeof btn.text !== "string" || btn.text === "") throw new ApiError(400, "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
        if (btn.callback_data !== undefined) {
          if (typeof btn.callback_data !== "string" || Buffer.byteLength(btn.callback_data) > 64 || btn.callback_data === "") {
            throw new ApiError(400, "Bad Request: BUTTON_DATA_INVALID");
          }
        }
      }
    }
  }

  private messageObject(chat: EmuChat, m: EmuMessage, entities: unknown[]): Message {
    return {
      message_id: m.message_id,
      date: m.date,
      chat: this.chatObject(chat),
      from: this.userObject(this.botInfo),
      ...(m.document || m.photo
        ? { caption: m.plain || undefined, ...(entities.length ? { caption_entities: entities } : {}) }
        : { text: m.plain, ...(entities.length ? { entities } : {}) }),
      ...(m.document
        ? { document: { file_id: m.document.file_id, file_unique_id: m.document.file_id.slice(-10), file_name: m.document.file_name, file_size: m.document.content.length } }
        : {}),
      ...(m.photo ? { photo: [{ file_id: m.photo.file_id, file_unique_id: m.photo.file_id.slice(-10), width: 1, height: 1 }] } : {}),
      ...(m.reply_markup ? { reply_markup: m.reply_markup } : {}),
      ...(m.message_thread_id !== undefined ? { message_thread_id: m.message_thread_id, is_topic_message: chat.is_forum === true } : {}),
      ...(m.edited ? { edit_date: Math.floor(Date.now() / 1000) } : {}),
    } as unknown as Message;
  }

  private sendMessage(p: Record<string, unknown>): Message {
    const chat = this.checkSendable(p);
    const { plain, entities } = this.parseText(p.text, p.parse_mode, "message text");
    this.checkMarkup(p.reply_markup);
    const m: EmuMessage = {
      message_id: this.allocMsgId(chat.id),
      text: p.text as string,
      plain,
      date: Math.floor(Date.now() / 1000),
      ...(typeof p.parse_mode === "string" ? { parse_mode: p.parse_mode } : {}),
      ...(p.reply_markup !== undefined ? { reply_markup: p.reply_markup } : {}),
      ...(typeof p.message_thread_id === "number" ? { message_thread_id: p.message_thread_id } : {}),
      ...(p.disable_notification === true ? { disable_notification: true } : {}),
    };
    this.pushMsg(chat.id, m);
    this.countSend(chat.id);
    return this.messageObject(chat, m, entities);
  }

  private sendFile(p: Record<string, unknown>, files: Record<string, MultipartFile>, kind: "document" | "photo"): Message {
    const chat = this.checkSendable(p);
    const ref = p[kind];
    let stored: StoredFile | undefined;
    if (typeof ref === "string" && ref.startsWith("attach://")) {
      const f = files[ref.slice("attach://".length)];
      if (f) stored = this.storeFile(f.filename, f.content, f.contentType);
    } else if (typeof ref === "string") {
      stored = this.files.get(ref);
    }
    if (!stored) throw new ApiError(400, `Bad Request: there is no ${kind} in the request`);
    const { plain, entities } = this.parseText(p.caption, p.parse_mode, "caption");
    this.checkMarkup(p.reply_markup);
    const m: EmuMessage = {
      message_id: this.allocMsgId(chat.id),
      text: typeof p.caption === "string" ? p.caption : "",
      plain,
      date: Math.floor(Date.now() / 1000),
      ...(typeof p.parse_mode === "string" ? { parse_mode: p.parse_mode } : {}),
      ...(p.reply_markup !== undefined ? { reply_markup: p.reply_markup } : {}),
      ...(typeof p.message_thread_id === "number" ? { message_thread_id: p.message_thread_id } : {}),
      ...(p.disable_notification === true ? { disable_notification: true } : {}),
      ...(kind === "document"
        ? {
            document: {
              file_id: stored.file_id,
              file_name: stored.file_name,
              content: stored.content,
              ...(stored.mime_type ? { mime_type: stored.mime_type } : {}),
            },
          }
        : { photo: { file_id: stored.file_id, content: stored.content } }),
    };
    this.pushMsg(chat.id, m);
    this.countSend(chat.id);
    return this.messageObject(chat, m, entities);
  }

  private findMsg(p: Record<string, unknown>): { chat: EmuChat; m: EmuMessage } {
    const chatId = this.chatIdOf(p);
    const chat = this.chats.get(chatId);
    if (!chat) throw new ApiError(400, "Bad Request: chat not found");
    const blocked = this.blocked.get(chatId);
    if (blocked) throw new ApiError(403, blocked);
    const m = this.msgs.get(chatId)?.find((x) => x.message_id === p.message_id);
    if (!m) throw new ApiError(400, "Bad Request: message to edit not found");
    return { chat, m };
  }

  private editMessageText(p: Record<string, unknown>): Message {
    const { chat, m } = this.findMsg(p);
    const { plain, entities } = this.parseText(p.text, p.parse_mode, "message text");
    this.checkMarkup(p.reply_markup);
    if (m.text === p.text && JSON.stringify(m.reply_markup) === JSON.stringify(p.reply_markup)) {
      throw new ApiError(
        400,
        "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
      );
    }
    m.text = p.text as string;
    m.plain = plain;
    m.edited = true;
    if (typeof p.parse_mode === "string") m.parse_mode = p.parse_mode;
    else delete m.parse_mode;
    if (p.reply_markup !== undefined) m.reply_markup = p.reply_markup;
    else delete m.reply_markup;
    return this.messageObject(chat, m, entities);
  }

  private editMessageReplyMarkup(p: Record<string, unknown>): Message {
    const { chat, m } = this.findMsg(p);
    this.checkMarkup(p.reply_markup);
    if (JSON.stringify(m.reply_markup) === JSON.stringify(p.reply_markup)) {
      throw new ApiError(400, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message");
    }
    if (p.reply_markup !== undefined) m.reply_markup = p.reply_markup;
    else delete m.reply_markup;
    m.edited = true;
    return this.messageObject(chat, m, []);
  }

  private deleteMessage(p: Record<string, unknown>): boolean {
    const chatId = this.chatIdOf(p);
    const list = this.msgs.get(chatId) ?? [];
    const idx = list.findIndex((x) => x.message_id === p.message_id);
    if (idx < 0) throw new ApiError(400, "Bad Request: message to delete not found");
    list.splice(idx, 1);
    return true;
  }

  private answerCallbackQuery(p: Record<string, unknown>): boolean {
    const id = String(p.callback_query_id ?? "");
    if (!this.openQueries.has(id)) {
      throw new ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid");
    }
    this.openQueries.delete(id);
    if (typeof p.text === "string" && p.text.length > 200) throw new ApiError(400, "Bad Request: MESSAGE_TOO_LONG");
    this.callbackAnswers.set(id, {
      ...(typeof p.text === "string" ? { text: p.text } : {}),
      ...(p.show_alert === true ? { show_alert: true } : {}),
    });
    return true;
  }

  private commandsKey(scope: unknown, languageCode: unknown): string {
    const s = scope && typeof scope === "object" ? (scope as Record<string, unknown>) : { type: "default" };
    const norm = Object.keys(s)
      .sort()
      .map((k) => `${k}=${String(s[k])}`)
      .join("&");
    return `${norm}|${typeof languageCode === "string" ? languageCode : ""}`;
  }

  private setMyCommands(p: Record<string, unknown>): boolean {
    const cmds = p.commands;
    if (!Array.isArray(cmds)) throw new ApiError(400, "Bad Request: can't parse commands JSON object");
    if (cmds.length > 100) throw new ApiError(400, "Bad Request: too many commands");
    for (const c of cmds as { command?: unknown; description?: unknown }[]) {
      if (typeof c.command !== "string" || !/^[a-z0-9_]{1,32}$/.test(c.command)) throw new ApiError(400, "Bad Request: BOT_COMMAND_INVALID");
      if (typeof c.description !== "string" || c.description.length < 1 || c.description.length > 256) {
        throw new ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID");
      }
    }
    this.commands.set(this.commandsKey(p.scope, p.language_code), cmds);
    return true;
  }

  private getChatInfo(p: Record<string, unknown>): unknown {
    const chatId = this.chatIdOf(p);
    const to = this.migrated.get(chatId);
    if (to !== undefined) throw new ApiError(400, "Bad Request: group chat was upgraded to a supergroup chat", { migrate_to_chat_id: to });
    const chat = this.chats.get(chatId);
    if (!chat) throw new ApiError(400, "Bad Request: chat not found");
    return { ...this.chatObject(chat), accent_color_id: 0, max_reaction_count: 11, accepted_gift_types: {} };
  }

  private memberObject(status: string, user: EmuUser): unknown {
    const u = this.userObject(user);
    switch (status) {
      case "creator":
        return { status, user: u, is_anonymous: false };
      case "administrator":
        return {
          status,
          user: u,
          can_be_edited: false,
          is_anonymous: false,
          can_manage_chat: true,
          can_delete_messages: true,
          can_manage_video_chats: true,
          can_restrict_members: true,
          can_promote_members: false,
          can_change_info: true,
          can_invite_users: true,
          can_post_stories: false,
          can_edit_stories: false,
          can_delete_stories: false,
        };
      case "kicked":
        return { status, user: u, until_date: 0 };
      default:
        return { status, user: u };
    }
  }

  private getChatMember(p: Record<string, unknown>): unknown {
    const chatId = this.chatIdOf(p);
    const chat = this.chats.get(chatId);
    if (!chat) throw new ApiError(400, "Bad Request: chat not found");
    const userId = typeof p.user_id === "number" ? p.user_id : Number(p.user_id);
    if (!Number.isSafeInteger(userId)) throw new ApiError(400, "Bad Request: invalid user_id specified");
    const m = this.members.get(chatId)?.get(userId);
    if (m) return this.memberObject(m.status, m.user);
    if (chat.type === "private" && userId === chatId) return this.memberObject("member", { id: userId, first_name: `用户${userId}` });
    if (userId === this.botInfo.id) return this.memberObject("member", this.botInfo);
    return this.memberObject("left", { id: userId, first_name: `用户${userId}` });
  }

  private getChatAdministrators(p: Record<string, unknown>): unknown[] {
    const chatId = this.chatIdOf(p);
    const chat = this.chats.get(chatId);
    if (!chat) throw new ApiError(400, "Bad Request: chat not found");
    if (chat.type === "private") throw new ApiError(400, "Bad Request: there are no administrators in the private chat");
    return [...(this.members.get(chatId)?.values() ?? [])]
      .filter((m) => m.status === "creator" || m.status === "administrator")
      .map((m) => this.memberObject(m.status, m.user));
  }

  private getFile(p: Record<string, unknown>): unknown {
    const f = this.files.get(String(p.file_id ?? ""));
    if (!f) throw new ApiError(400, "Bad Request: invalid file_id");
    return { file_id: f.file_id, file_unique_id: f.file_unique_id, file_size: f.content.length, file_path: f.file_path };
  }

  // ---------------------------------------------------------------- helpers

  private ensureChat(chatId: number): EmuChat {
    let chat = this.chats.get(chatId);
    if (!chat) {
      chat = chatId > 0 ? { id: chatId, type: "private" } : { id: chatId, type: "supergroup", title: `群组${-chatId}` };
      this.chats.set(chatId, chat);
    }
    return chat;
  }

  private chatObject(chat: EmuChat): Record<string, unknown> {
    if (chat.type === "private") return { id: chat.id, type: "private", first_name: chat.title ?? `用户${chat.id}` };
    return { id: chat.id, type: chat.type, title: chat.title ?? `群组${-chat.id}`, ...(chat.is_forum ? { is_forum: true } : {}) };
  }

  private userObject(u: EmuUser | UserFromGetMe): Record<string, unknown> {
    if (u.id === ANONYMOUS_ADMIN_ID) return { id: u.id, is_bot: true, first_name: "Group", username: "GroupAnonymousBot" };
    return {
      id: u.id,
      is_bot: u.id === this.botInfo.id,
      first_name: u.first_name ?? `用户${u.id}`,
      ...(u.username ? { username: u.username } : {}),
      ...("last_name" in u && u.last_name ? { last_name: u.last_name } : {}),
      ...("language_code" in u && u.language_code ? { language_code: u.language_code } : {}),
    };
  }

  private allocMsgId(chatId: number): number {
    const n = this.nextMsgId.get(chatId) ?? 1;
    this.nextMsgId.set(chatId, n + 1);
    return n;
  }

  private pushMsg(chatId: number, m: EmuMessage): void {
    const list = this.msgs.get(chatId) ?? [];
    list.push(m);
    this.msgs.set(chatId, list);
  }

  private rememberUserMessage(chatId: number, m: Message): void {
    const list = this.userMsgs.get(chatId) ?? [];
    list.push(m);
    this.userMsgs.set(chatId, list);
  }

  private storeFile(name: string, content: Buffer, mime?: string): StoredFile {
    const n = this.fileSeq++;
    const f: StoredFile = {
      file_id: `BQACAgEmu${String(n).padStart(8, "0")}`,
      file_unique_id: `AgEmu${n}`,
      file_path: `documents/file_${n}_${name.replace(/[^\w.-]/g, "_")}`,
      file_name: name,
      ...(mime ? { mime_type: mime } : {}),
      content,
    };
    this.files.set(f.file_id, f);
    return f;
  }
}
