/**
 * Test fixtures for delivery: StoredReports built from the hand-checked corpus values
 * (../shared/corpus/expected.json), so alerts are checked against real figures, plus a temp
 * LowdbStore and small builders for chats and subscriptions.
 */
import { tempStore as sharedTempStore } from "../support/temp.js";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Finding, Report, RequestRowKey } from "../../src/report/schema.js";
import type { Chat, PortalEntry, StoredReport, Subscription } from "../../src/store/types.js";

interface ExpectedEntry {
  file: string;
  agency: string;
  year: number;
  format?: string;
  region?: string;
  table2: Record<string, unknown> | null;
  table3: Record<string, (number | null)[]> | null;
  table4: (number | null)[] | null;
}

// A copy of ../shared/corpus/expected.json (tests never read ../shared at run time).
const CORPUS = fileURLToPath(new URL("../fixtures/corpus-expected.json", import.meta.url));

/** The corpus entries of the 2021 layout with tables 三 and 四. */
export function corpusEntries(): ExpectedEntry[] {
  const all = JSON.parse(readFileSync(CORPUS, "utf8")) as ExpectedEntry[];
  return all.filter((e) => String(e.format ?? "").startsWith("2021") && e.table3 && Array.isArray(e.table4) && e.table4.length === 15);
}

/** A Report from a corpus entry (findings supplied by the test). */
export function reportFromEntry(e: ExpectedEntry, findings: Finding[] = [], overrides: Partial<Report> = {}): Report {
  const t4 = e.table4!;
  return {
    source: e.file,
    title: `${e.agency}${e.year}年政府信息公开工作年度报告`,
    agency: e.agency,
    year: e.year,
    layout: "2021",
    activeDisclosure: (e.table2 as Report["activeDisclosure"]) ?? null,
    requests: e.table3 as Partial<Record<RequestRowKey, (number | null)[]>>,
    reviewLitigation: { review: t4.slice(0, 5), litigationDirect: t4.slice(5, 10), litigationAfterReview: t4.slice(10, 15) },
    findings,
    ...overrides,
  };
}

let seq = 0;
/** A StoredReport around `report`. */
export function stored(report: Report, portalId: string, extra: Partial<StoredReport> = {}): StoredReport {
  const id = extra.id ?? `r${++seq}-${portalId}-${report.year}`;
  return {
    id,
    url: `http://127.0.0.1:9/${portalId}/${id}.html`,
    portalId,
    contentHash: "ab".repeat(32),
    rawType: "html",
    fetchedAt: "2026-02-01T00:00:00.000Z",
    publishedAt: null,
    report,
    ...extra,
  };
}

/** A finding. */
export function finding(severity: Finding["severity"], message: string, rule = "t3.balance"): Finding {
  return { rule, severity, message, messageEn: `EN ${message}` };
}

/** A chat row with defaults. */
export function chat(id: number, extra: Partial<Chat> = {}): Chat {
  return {
    id,
    type: id > 0 ? "private" : "supergroup",
    active: true,
    lang: "zh",
    digest: { mode: "off", time: "09:00" },
    quiet: null,
    lastDigestAt: null,
    createdAt: "2026-01-01T00:00:00.000Z",
    ...extra,
  };
}

/** A subscription. */
export function sub(chatId: number, kind: Subscription["kind"], value: string, threadId?: number): Subscription {
  return { chatId, kind, value, createdAt: "2026-01-01T00:00:00.000Z", ...(threadId !== undefined ? { threadId } : {}) };
}

/** A portal entry. */
export function portal(id: string, name: string, region?: string, level?: PortalEntry["level"]): PortalEntry {
  return { id, name, url: `http://127.0.0.1:9/${id}/`, ...(region ? { region } : {}), ...(level ? { level } : {}) };
}

/** A fresh LowdbStore in a temp dir; `cleanup` closes and removes it. */
export const tempStore = () => sharedTempStore("delivery");
