/**
 * The store's key-value part, typed: every key (or key family) nianbao keeps under
 * `getMeta`/`setMeta`, with the type of its value, in one place. A read needs no hand-written
 * type argument and a write of the wrong shape does not compile:
 *
 *   const tries = (await store.getMeta(metaKey.baselineTries(portal.id))) ?? 0;  // number
 *
 * A new key is added here (a literal key, or a template-literal family for per-portal keys);
 * a key not listed here is a type error.
 */
import type { WatchEvent } from "./types.js";

/** Summary of the last watch cycle (written by watch/scheduler.ts, shown by /status). */
export interface LastCycle {
  /** ISO time the cycle ended. */
  at: string;
  portalsChecked: number;
  newReports: number;
  updated: number;
  failed: number;
  baseline: number;
  /** Number of events the cycle added. */
  events: number;
}

/** A page that was fetched but could not be parsed: remembered so it does not flood. */
export interface UnparsedNote {
  hash: string | null;
  code: string;
  message: string;
  at: string;
}

/** The choices behind one inline keyboard (bot/queries.ts), kept until `exp`. */
export interface CallbackEntry {
  action: "latest" | "report";
  /** Group keys (see bot/queries.ts groupKey) in button order. */
  keys: string[];
  year?: number;
  /** ISO expiry time. */
  exp: string;
}

/** Repeats of "new" alerts the notifier suppressed (notify/announced.ts), for admins. */
export interface SuppressedRecord {
  count: number;
  /** The latest suppressed events (at most 20), newest last. */
  last: { eventId: string; reason: string; at: string }[];
}

/** Key → value type of everything under getMeta/setMeta. */
export interface MetaSchema {
  /** Summary of the last watch cycle. */
  "watch:lastCycle": LastCycle;
  /** Per portal: events decided but not yet in the event log (replayed after a crash). */
  [journal: `watch:journal:${string}`]: Omit<WatchEvent, "seq">[];
  /** Per portal: pages that could not be parsed, by URL. */
  [unparsed: `watch:unparsed:${string}`]: Record<string, UnparsedNote>;
  /** Per portal: baseline attempts so far. */
  [tries: `watch:baselineTries:${string}`]: number;
  /** The notifier's position in the event log (last seq turned into outbox rows). */
  "notifier.cursor": number;
  /** "New" alerts suppressed because the report was already announced. */
  "notifier.repeatsSuppressed": SuppressedRecord;
  /** Inline keyboards' choices by token. */
  "bot.callbacks": Record<string, CallbackEntry>;
}

export type MetaKey = keyof MetaSchema;

/** Builders for the per-portal key families (and the fixed keys, for one place to look). */
export const metaKey = {
  lastCycle: "watch:lastCycle",
  journal: (portalId: string) => `watch:journal:${portalId}` as const,
  unparsed: (portalId: string) => `watch:unparsed:${portalId}` as const,
  baselineTries: (portalId: string) => `watch:baselineTries:${portalId}` as const,
  notifierCursor: "notifier.cursor",
  botCallbacks: "bot.callbacks",
} as const;
