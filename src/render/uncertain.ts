/** Texts of /uncertain and /resend_uncertain (pure; zh and en). */
import { escapeHtml, splitMessage } from "./format.js";

/** What a line shows of one alert a crash left uncertain (notify/uncertain.ts adds its outbox key). */
export interface UncertainLine {
  chatId: number;
  chatTitle?: string;
  threadId?: number;
  eventId: string;
  /** First line of the alert, plain text (tags removed). */
  headline: string;
  createdAt: string;
  /** False for a copy that was itself resent, or an alert already resent. */
  resendable: boolean;
}

type Lang = "zh" | "en";

/** Local "YYYY-MM-DD HH:mm" in `tz`. */
function local(iso: string, tz: string): string {
  const d = new Date(iso);
  const f = new Intl.DateTimeFormat("sv-SE", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });
  return f.format(d);
}

const T = {
  zh: {
    none: "没有送达情况不确定的提醒。",
    head: (n: number) => `<b>送达不确定的提醒：${n} 条</b>\n进程在发送途中退出，无法确认 Telegram 是否已送达；为避免重复，没有自动重发。`,
    line: (chat: string, at: string, what: string, resendable: boolean) =>
      `• ${chat} · ${at}\n  ${what}${resendable ? "" : "\n  （重发的副本，不再重发）"}`,
    hint: (n: number) => `重发这 ${n} 条：/resend_uncertain（需确认；每条最多重发一次，收件人可能收到两份）`,
    confirm: (n: number) => `确认重发 ${n} 条送达不确定的提醒？每条最多重发一次；若原消息其实已送达，收件人会收到两份。`,
    button: (n: number) => `确认重发 ${n} 条`,
    done: (n: number) => `已重新排队 ${n} 条提醒，稍后发出。`,
    changed: "列表已变化（可能已由他人重发），请重新发送 /resend_uncertain。",
    nothing: "没有可重发的提醒。",
  },
  en: {
    none: "No alerts with uncertain delivery.",
    head: (n: number) => `<b>Alerts with uncertain delivery: ${n}</b>\nThe process stopped mid-send, so Telegram's delivery cannot be confirmed; they were not resent automatically, to avoid duplicates.`,
    line: (chat: string, at: string, what: string, resendable: boolean) =>
      `• ${chat} · ${at}\n  ${what}${resendable ? "" : "\n  (a resent copy; not resent again)"}`,
    hint: (n: number) => `Resend these ${n}: /resend_uncertain (asks to confirm; each at most once, recipients may get two copies)`,
    confirm: (n: number) => `Resend ${n} alerts with uncertain delivery? Each is resent at most once; if the original did arrive, the recipient gets two copies.`,
    button: (n: number) => `Resend ${n}`,
    done: (n: number) => `${n} alerts queued again; they go out shortly.`,
    changed: "The list has changed (someone may have resent them); send /resend_uncertain again.",
    nothing: "Nothing to resend.",
  },
} as const;

/** The messages of one locale. */
export function uncertainTexts(lang: Lang): (typeof T)[Lang] {
  return T[lang];
}

/** /uncertain: which chats and alerts, when, and how to resend. */
export function formatUncertain(rows: readonly UncertainLine[], lang: Lang, tz: string): string[] {
  const t = T[lang];
  if (!rows.length) return [t.none];
  const blocks = [t.head(rows.length)];
  for (const r of rows) {
    const chat = `${r.chatTitle ? `${escapeHtml(r.chatTitle)} ` : ""}<code>${r.chatId}</code>${r.threadId !== undefined ? ` #${r.threadId}` : ""}`;
    blocks.push(t.line(chat, local(r.createdAt, tz), escapeHtml(r.headline || r.eventId), r.resendable));
  }
  const n = rows.filter((r) => r.resendable).length;
  if (n) blocks.push(t.hint(n));
  return splitMessage(blocks);
}
