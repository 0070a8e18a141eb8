/**
 * Alerts left "uncertain" by a crash (sender.ts): which chats and alerts they are, and the one
 * admin action that resends them — at most once each.
 *
 * A resend enqueues a copy under the deterministic key `<key>#resend` and then records it on the
 * original (`resentAs`). Enqueue ignores a key it already holds, so a second confirmation, a
 * double tap, two admins at once, or a crash between the two writes never sends a third copy. A
 * copy that is itself left uncertain is listed but not offered again.
 */
import { createHash } from "node:crypto";
import type { UncertainLine } from "../render/uncertain.js";
import type { OutboxItem, Store } from "../store/types.js";

/** Suffix of the key of a resent copy. */
export const RESEND_SUFFIX = "#resend";

/** One uncertain alert as admins see it: what /uncertain shows (render/uncertain.ts) plus its outbox key. */
export interface UncertainAlert extends UncertainLine {
  key: string;
}

const plain = (html: string): string =>
  html
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");

/** Every uncertain row not yet resent, oldest first. */
export async function listUncertain(store: Store): Promise<UncertainAlert[]> {
  const rows = await store.listOutbox({ status: "uncertain" });
  const titles = new Map((await store.listChats()).map((c) => [c.id, c.title]));
  return rows
    .filter((r) => !r.resentAs)
    .map((r) => {
      const title = titles.get(r.chatId);
      return {
        key: r.key,
        chatId: r.chatId,
        ...(title ? { chatTitle: title } : {}),
        ...(r.threadId !== undefined ? { threadId: r.threadId } : {}),
        eventId: r.eventId,
        headline: plain(r.text.split("\n").find((l) => l.trim() !== "") ?? "").slice(0, 120),
        createdAt: r.createdAt,
        resendable: !r.key.endsWith(RESEND_SUFFIX) && r.text !== "",
      };
    });
}

/** A short fingerprint of a set of keys (a confirmation button resends exactly what was shown). */
export function fingerprint(keys: readonly string[]): string {
  return createHash("sha256").update([...keys].sort().join("\n")).digest("hex").slice(0, 12);
}

/**
 * Resends the resendable uncertain alerts among `keys` (all of them when omitted): one pending copy
 * each, then the original is marked. Returns how many copies were enqueued.
 */
export async function resendUncertain(store: Store, now: Date, keys?: readonly string[]): Promise<number> {
  const want = keys ? new Set(keys) : null;
  const rows = (await store.listOutbox({ status: "uncertain" })).filter(
    (r) => !r.resentAs && !r.key.endsWith(RESEND_SUFFIX) && r.text !== "" && (!want || want.has(r.key)),
  );
  let n = 0;
  for (const r of rows) {
    const copy: OutboxItem = {
      key: `${r.key}${RESEND_SUFFIX}`,
      chatId: r.chatId,
      ...(r.threadId !== undefined ? { threadId: r.threadId } : {}),
      eventId: r.eventId,
      text: r.text,
      ...(r.silent ? { silent: true } : {}),
      status: "pending",
      attempts: 0,
      notBefore: null,
      createdAt: now.toISOString(),
      sentAt: null,
      messageId: null,
      lastError: null,
    };
    n += await store.enqueue([copy]);
    await store.updateOutbox(r.key, { resentAs: copy.key });
  }
  return n;
}
