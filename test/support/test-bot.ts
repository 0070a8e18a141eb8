/**
 * The real bot at unit speed, the way grammY tests itself: `createBot(deps)` with a preset
 * `botInfo` (no getMe), typed update literals fed to `bot.handleUpdate`, and every Bot API call
 * answered and recorded by an API transformer (`bot.api.config.use`) — no HTTP, no polling.
 *
 * The fake answers like Telegram where our handlers depend on it: sendMessage / sendDocument /
 * sendPhoto return a Message with a fresh message_id, edits change the recorded message,
 * getChatMember answers from the members set with `setMember` ("left" otherwise), and HTML is
 * checked with the emulator's own parser (malformed markup → 400, > 4096 characters → 400), so a
 * missing escape fails here exactly as it would against Telegram. `failNext` makes a method
 * fail once with a GrammyError. A failed update goes to the bot's error handler (bot.catch), as
 * under bot.start.
 *
 * Delivery semantics (429, 403, migration while sending, retries) and true end-to-end runs stay
 * on the HTTP emulator (telegram-emulator.ts, test/bot/harness.ts).
 */
import { BotError, GrammyError, InputFile } from "grammy";
import type { Composer } from "grammy";
import type { Bot } from "grammy";
import type { Chat as TgChat, Message, Update, User, UserFromGetMe } from "grammy/types";
import { pino } from "pino";
import { loadConfig } from "../../src/config.js";
import { createBot } from "../../src/bot/bot.js";
import type { BotContext, NotifierApi, WatcherApi } from "../../src/bot/bot.js";
import type { PortalEntry, StoredReport } from "../../src/store/types.js";
import type { LowdbStore } from "../../src/store/lowdb.js";
import { ANONYMOUS_ADMIN_ID, parseTelegramHtml } from "./telegram-emulator.js";
import { tempStore } from "./temp.js";

/** The bot's identity in tests (same as the HTTP emulator's). */
export const TEST_BOT_INFO: UserFromGetMe = {
  id: 7000000001,
  is_bot: true,
  first_name: "年报机器人",
  username: "nianbao_test_bot",
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
} as UserFromGetMe;

const TOKEN = `${TEST_BOT_INFO.id}:AATestBotTokenNeverSentAnywhere_0123456789`;

/**
 * The store the test bot runs on. One place to change: a temp-dir LowdbStore until an in-memory
 * driver exists, then that.
 */
async function openStore(): Promise<{ store: LowdbStore; dir: string; cleanup: () => Promise<void> }> {
  return tempStore("test-bot");
}

/** A user as tests write it: an id, optionally a name. */
export interface TestUser {
  id: number;
  first_name?: string;
  language_code?: string;
}

/** A chat as tests declare it (private chats need no declaration). */
export interface TestChat {
  id: number;
  type: "private" | "group" | "supergroup";
  title?: string;
  is_forum?: boolean;
}

/** One of the bot's messages as it stands now (after edits). */
export interface SentMessage {
  message_id: number;
  chatId: number;
  /** Raw text as sent (HTML source when parse_mode is HTML); the caption for files. */
  text: string;
  /** What the user sees: the text after entity parsing. */
  plain: string;
  parse_mode?: string;
  reply_markup?: unknown;
  message_thread_id?: number;
  edited?: boolean;
  document?: { file_name: string; content: Buffer };
  photo?: { content: Buffer };
}

/** One recorded API call. */
export interface ApiCall {
  method: string;
  payload: Record<string, unknown>;
}

export interface TestBot {
  bot: Bot<BotContext>;
  store: LowdbStore;
  /** The store's directory (a registry file can live there). */
  dir: string;
  portals: PortalEntry[];
  /** Every API call, in order. */
  calls: ApiCall[];
  /** Calls of one method. */
  callsOf(method: string): ApiCall[];
  /** The bot's messages in a chat (optionally one forum topic), current state. */
  messages(chatId: number): SentMessage[];
  /** answerCallbackQuery answers, by callback query id. */
  callbackAnswers: Map<string, { text?: string; show_alert?: boolean }>;
  /** setMyCommands results, by scope and language ("" = default). */
  myCommands(scope: Record<string, unknown>, languageCode?: string): { command: string; description: string }[] | undefined;
  addChat(chat: TestChat): void;
  setMember(chatId: number, userId: number, status: "creator" | "administrator" | "member" | "left" | "kicked"): void;
  /** The next `n` calls of `method` fail with this Telegram error. */
  failNext(method: string, n: number, err: { code: number; description: string }): void;
  /** A user message (bot_command entity filled in) as an Update literal; not handled yet. */
  message(chatId: number, from: TestUser, text: string, extra?: Partial<Message>): Update;
  /** Handles a user message; returns the messages the bot sent to that chat while handling it. */
  say(chatId: number, from: TestUser, text: string, extra?: Partial<Message>): Promise<SentMessage[]>;
  /**
   * Presses an inline button under one of the bot's messages; returns the callback answer and
   * the messages the bot sent to that chat while handling it.
   */
  press(chatId: number, from: TestUser, messageId: number, data: string): Promise<{ answer: { text?: string } | undefined; sent: SentMessage[] }>;
  /** Handles any update literal (update_id filled in). */
  handle(update: Omit<Update, "update_id">): Promise<void>;
  /** The chat object Telegram would put in an update. */
  chat(chatId: number): TgChat;
  stop(): Promise<void>;
}

export interface TestBotOptions {
  reports?: StoredReport[];
  portals?: PortalEntry[];
  /** ADMIN_CHAT_IDS. */
  admins?: number[];
  watcher?: WatcherApi;
  notifier?: NotifierApi;
  extra?: Composer<BotContext>[];
  addPortal?: (input: { url: string; name: string }) => Promise<PortalEntry>;
  now?: () => Date;
}

/** Builds the real bot over a fresh store with a recording fake of the Bot API. */
export async function createTestBot(opts: TestBotOptions = {}): Promise<TestBot> {
  const { store, dir, cleanup } = await openStore();
  if (opts.reports?.length) await store.putReports(opts.reports);
  const portals = [...(opts.portals ?? [])];
  const config = loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN, ADMIN_CHAT_IDS: (opts.admins ?? []).join(","), DATA_DIR: dir });
  const bot = createBot({
    store,
    config,
    portals: { list: () => portals, ...(opts.addPortal ? { add: opts.addPortal } : {}) },
    log: pino({ level: "silent" }),
    botInfo: TEST_BOT_INFO,
    ...(opts.watcher ? { watcher: opts.watcher } : {}),
    ...(opts.notifier ? { notifier: opts.notifier } : {}),
    ...(opts.extra ? { extra: opts.extra } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  });

  const calls: ApiCall[] = [];
  const chats = new Map<number, TestChat>();
  const members = new Map<string, string>();
  const sent = new Map<number, SentMessage[]>();
  const nextId = new Map<number, number>();
  const faults = new Map<string, { code: number; description: string }[]>();
  const callbackAnswers = new Map<string, { text?: string; show_alert?: boolean }>();
  const commands = new Map<string, { command: string; description: string }[]>();
  let updateId = 1;
  let querySeq = 1;

  const chatOf = (id: number): TestChat => chats.get(id) ?? (id > 0 ? { id, type: "private" } : { id, type: "supergroup", title: `群组${-id}` });
  const tgChat = (id: number): TgChat => {
    const c = chatOf(id);
    if (c.type === "private") return { id, type: "private", first_name: c.title ?? `用户${id}` };
    return { id, type: c.type, title: c.title ?? `群组${-id}`, ...(c.is_forum ? { is_forum: true } : {}) } as TgChat;
  };
  const tgUser = (u: TestUser): User =>
    u.id === ANONYMOUS_ADMIN_ID
      ? { id: u.id, is_bot: true, first_name: "Group", username: "GroupAnonymousBot" }
      : { id: u.id, is_bot: false, first_name: u.first_name ?? `用户${u.id}`, ...(u.language_code ? { language_code: u.language_code } : {}) };
  const allocId = (chatId: number): number => {
    const n = nextId.get(chatId) ?? 1;
    nextId.set(chatId, n + 1);
    return n;
  };
  const fail = (method: string, payload: Record<string, unknown>, code: number, description: string): never => {
    throw new GrammyError(`Call to '${method}' failed!`, { ok: false, error_code: code, description }, method, payload);
  };
  const parse = (method: string, payload: Record<string, unknown>, text: unknown, parseMode: unknown, max: number): string => {
    const raw = typeof text === "string" ? text : "";
    let plain = raw;
    if (parseMode === "HTML") {
      try {
        plain = parseTelegramHtml(raw).text;
      } catch (e) {
        fail(method, payload, 400, (e as Error).message);
      }
    }
    if (max === 4096 && plain.trim() === "") fail(method, payload, 400, "Bad Request: message text is empty");
    if (plain.length > max) fail(method, payload, 400, "Bad Request: message is too long");
    return plain;
  };
  const bytesOf = async (f: unknown): Promise<Buffer> => {
    if (!(f instanceof InputFile)) return Buffer.alloc(0);
    const raw = await f.toRaw();
    if (raw instanceof Uint8Array) return Buffer.from(raw);
    const parts: Uint8Array[] = [];
    for await (const p of raw as AsyncIterable<Uint8Array>) parts.push(p);
    return Buffer.concat(parts);
  };
  const record = (chatId: number, m: SentMessage): Message => {
    const list = sent.get(chatId) ?? [];
    list.push(m);
    sent.set(chatId, list);
    return {
      message_id: m.message_id,
      date: 1,
      chat: tgChat(chatId),
      from: { id: TEST_BOT_INFO.id, is_bot: true, first_name: TEST_BOT_INFO.first_name },
      ...(m.photo || m.document ? { caption: m.plain } : { text: m.plain }),
    } as Message;
  };
  const find = (method: string, p: Record<string, unknown>): SentMessage => {
    const m = sent.get(Number(p.chat_id))?.find((x) => x.message_id === p.message_id);
    return m ?? fail(method, p, 400, "Bad Request: message to edit not found");
  };

  const answer = async (method: string, p: Record<string, unknown>): Promise<unknown> => {
    const chatId = Number(p.chat_id);
    const common = (): Partial<SentMessage> => ({
      ...(typeof p.parse_mode === "string" ? { parse_mode: p.parse_mode } : {}),
      ...(p.reply_markup !== undefined ? { reply_markup: p.reply_markup } : {}),
      ...(typeof p.message_thread_id === "number" ? { message_thread_id: p.message_thread_id } : {}),
    });
    switch (method) {
      case "sendMessage": {
        const plain = parse(method, p, p.text, p.parse_mode, 4096);
        for (const b of ((p.reply_markup as { inline_keyboard?: { callback_data?: string }[][] } | undefined)?.inline_keyboard ?? []).flat()) {
          if (b.callback_data !== undefined && Buffer.byteLength(b.callback_data) > 64) fail(method, p, 400, "Bad Request: BUTTON_DATA_INVALID");
        }
        return record(chatId, { message_id: allocId(chatId), chatId, text: String(p.text), plain, ...common() });
      }
      case "sendDocument":
      case "sendPhoto": {
        const plain = parse(method, p, p.caption, p.parse_mode, 1024);
        const file = method === "sendDocument" ? p.document : p.photo;
        const content = await bytesOf(file);
        const name = file instanceof InputFile ? (file.filename ?? "file") : "file";
        return record(chatId, {
          message_id: allocId(chatId),
          chatId,
          text: typeof p.caption === "string" ? p.caption : "",
          plain,
          ...common(),
          ...(method === "sendDocument" ? { document: { file_name: name, content } } : { photo: { content } }),
        });
      }
      case "editMessageText": {
        const m = find(method, p);
        m.plain = parse(method, p, p.text, p.parse_mode, 4096);
        m.text = String(p.text);
        m.edited = true;
        if (typeof p.parse_mode === "string") m.parse_mode = p.parse_mode;
        else delete m.parse_mode;
        if (p.reply_markup !== undefined) m.reply_markup = p.reply_markup;
        else delete m.reply_markup;
        return { message_id: m.message_id, date: 1, chat: tgChat(chatId), text: m.plain };
      }
      case "editMessageReplyMarkup": {
        const m = find(method, p);
        if (p.reply_markup !== undefined) m.reply_markup = p.reply_markup;
        else delete m.reply_markup;
        m.edited = true;
        return { message_id: m.message_id, date: 1, chat: tgChat(chatId), text: m.plain };
      }
      case "answerCallbackQuery":
        callbackAnswers.set(String(p.callback_query_id), {
          ...(typeof p.text === "string" ? { text: p.text } : {}),
          ...(p.show_alert === true ? { show_alert: true } : {}),
        });
        return true;
      case "getChatMember": {
        const userId = Number(p.user_id);
        const status = members.get(`${chatId}:${userId}`) ?? (chatOf(chatId).type === "private" && userId === chatId ? "member" : "left");
        const user = { id: userId, is_bot: false, first_name: `用户${userId}` };
        if (status === "administrator") return { status, user, can_be_edited: false, is_anonymous: false, can_manage_chat: true };
        if (status === "creator") return { status, user, is_anonymous: false };
        if (status === "kicked") return { status, user, until_date: 0 };
        return { status, user };
      }
      case "setMyCommands": {
        commands.set(commandsKey(p.scope, p.language_code), p.commands as { command: string; description: string }[]);
        return true;
      }
      case "sendChatAction":
        return true;
      default:
        throw new Error(`test bot: no fake for Bot API method ${method} (add one to test/support/test-bot.ts)`);
    }
  };

  bot.api.config.use(async (_prev, method, payload) => {
    const p = (payload ?? {}) as Record<string, unknown>;
    calls.push({ method, payload: p });
    const queued = faults.get(method);
    const f = queued?.shift();
    if (f) fail(method, p, f.code, f.description);
    // The transformer's return type is keyed by method; the fake answers are plain objects.
    return { ok: true, result: (await answer(method, p)) as never } as Awaited<ReturnType<Parameters<Parameters<typeof bot.api.config.use>[0]>[0]>>;
  });
  await bot.init();

  // bot.handleUpdate rethrows a failed update as BotError; bot.start (and the runner) hand it to
  // the bot's error handler (bot.catch), so do the same.
  const run = async (update: Update): Promise<void> => {
    try {
      await bot.handleUpdate(update);
    } catch (e) {
      if (!(e instanceof BotError)) throw e;
      await bot.errorHandler(e as BotError<BotContext>);
    }
  };
  const handle = (update: Omit<Update, "update_id">): Promise<void> => run({ update_id: updateId++, ...update } as Update);
  const message = (chatId: number, from: TestUser, text: string, extra: Partial<Message> = {}): Update => {
    const cmd = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(text);
    const chat = tgChat(chatId);
    return {
      update_id: updateId++,
      message: {
        message_id: allocId(chatId),
        date: Math.floor(Date.parse("2025-03-01T00:00:00Z") / 1000),
        chat,
        from: tgUser(from),
        ...(from.id === ANONYMOUS_ADMIN_ID ? { sender_chat: chat } : {}),
        text,
        ...(cmd ? { entities: [{ type: "bot_command", offset: 0, length: cmd[0].length }] } : {}),
        ...extra,
      } as Message,
    } as Update;
  };
  const during = async (chatId: number, run: () => Promise<void>): Promise<SentMessage[]> => {
    const before = sent.get(chatId)?.length ?? 0;
    await run();
    return (sent.get(chatId) ?? []).slice(before);
  };

  return {
    bot,
    store,
    dir,
    portals,
    calls,
    callsOf: (method) => calls.filter((c) => c.method === method),
    messages: (chatId) => sent.get(chatId) ?? [],
    callbackAnswers,
    myCommands: (scope, languageCode = "") => commands.get(commandsKey(scope, languageCode)),
    addChat: (chat) => void chats.set(chat.id, chat),
    setMember: (chatId, userId, status) => void members.set(`${chatId}:${userId}`, status),
    failNext: (method, n, err) => void faults.set(method, [...(faults.get(method) ?? []), ...Array.from({ length: n }, () => err)]),
    message,
    say: (chatId, from, text, extra) => during(chatId, () => run(message(chatId, from, text, extra))),
    async press(chatId, from, messageId, data) {
      const m = sent.get(chatId)?.find((x) => x.message_id === messageId);
      const id = `${TEST_BOT_INFO.id}${String(querySeq++).padStart(6, "0")}`;
      const chat = tgChat(chatId);
      const msg = m
        ? { message_id: m.message_id, date: 1, chat, from: { id: TEST_BOT_INFO.id, is_bot: true, first_name: TEST_BOT_INFO.first_name }, text: m.plain, ...(m.reply_markup ? { reply_markup: m.reply_markup } : {}) }
        : { message_id: messageId, date: 0, chat }; // an inaccessible (old) message
      const got = await during(chatId, () => handle({ callback_query: { id, from: tgUser(from), message: msg, chat_instance: String(chatId), data } } as never));
      return { answer: callbackAnswers.get(id), sent: got };
    },
    handle,
    chat: tgChat,
    stop: cleanup,
  };
}

function commandsKey(scope: unknown, languageCode: unknown): string {
  const s = scope && typeof scope === "object" ? (scope as Record<string, unknown>) : { type: "default" };
  const norm = Object.keys(s)
    .sort()
    .map((k) => `${k}=${String(s[k])}`)
    .join("&");
  return `${norm}|${typeof languageCode === "string" ? languageCode : ""}`;
}
