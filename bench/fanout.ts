/**
 * bench/fanout: one alert to N subscribed chats (default 5,000; a mix of private chats and
 * groups) through the Bot API emulator with Telegram-like limits enforced (per chat 1/s, per
 * group 20/min, overall 25/s → 429 beyond). Prints achieved messages/s against the 25/s budget,
 * the 429s seen, fan-out time and the store's share; asserts every chat got exactly one copy.
 *
 *   npx tsx bench/fanout.ts [--chats N] [--groups-share 0.3] [--concurrency 8] [--latency-ms 0]
 *
 * 5,000 chats at 25/s take ≈ 200 s; use --chats 500 for a quick look.
 */
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Api } from "grammy";
import { pino } from "pino";
import { LowdbStore } from "../src/store/lowdb.js";
import type { Chat, StoredReport } from "../src/store/types.js";
import { createNotifier } from "../src/notify/notifier.js";
import { DEFAULT_LIMITS } from "../src/notify/sender.js";
import { TelegramEmulator, TELEGRAM_LIKE_LIMITS } from "../test/support/telegram-emulator.js";

function arg(argv: string[], name: string, dflt: number): number {
  const i = argv.indexOf(`--${name}`);
  const eq = argv.find((a) => a.startsWith(`--${name}=`));
  const v = eq ? eq.split("=")[1] : i >= 0 ? argv[i + 1] : undefined;
  const n = v === undefined ? dflt : Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number`);
  return n;
}

const col = (n: number | null): (number | null)[] => [n, null, null, null, null, null, n];

/** A plausible report (figures of a county department, corpus 001 shape). */
function sampleReport(): StoredReport {
  return {
    id: "bench-report",
    url: "http://127.0.0.1:9/bench/report.html",
    portalId: "bench",
    contentHash: "cd".repeat(32),
    rawType: "html",
    fetchedAt: new Date().toISOString(),
    publishedAt: "2026-01-20",
    report: {
      source: "bench",
      title: "沭阳县发展和改革局2025年政府信息公开工作年度报告",
      agency: "沭阳县发展和改革局",
      year: 2025,
      layout: "2021",
      activeDisclosure: {
        regulations: { made: 0, repealed: 0, valid: 0 },
        normativeDocuments: { made: 8, repealed: 0, valid: 18 },
        licensing: 12,
        punishment: 3,
        coercion: 0,
        fees: 0,
      },
      requests: { newReceived: col(26), carriedOver: col(0), granted: col(20), partial: col(4), unable_noInfo: col(2), total: col(26), carriedForward: col(0) },
      reviewLitigation: { review: [0, 0, 0, 1, 1], litigationDirect: [0, 0, 0, 0, 0], litigationAfterReview: [0, 0, 0, 0, 0] },
      findings: [{ rule: "t3.resultsSum", severity: "error", message: "表三 总计列：（一）至（六）之和 26 ≠（七）总计 26？示例" }],
    },
  };
}

/** Runs the benchmark and prints its figures. */
export async function main(argv: string[] = []): Promise<void> {
  const chats = Math.floor(arg(argv, "chats", 5000));
  const groupsShare = arg(argv, "groups-share", 0.3);
  const concurrency = Math.max(1, Math.floor(arg(argv, "concurrency", 8)));
  const latencyMs = arg(argv, "latency-ms", 0);
  const dir = await mkdtemp(join(tmpdir(), "nianbao-bench-fanout-"));
  const emu = await TelegramEmulator.start({ limits: TELEGRAM_LIKE_LIMITS, latencyMs });
  const store = new LowdbStore(dir);
  try {
    await store.open();
    const ids: number[] = [];
    const nGroups = Math.round(chats * groupsShare);
    const now = new Date().toISOString();
    const setup: Promise<unknown>[] = [];
    for (let i = 0; i < chats; i++) {
      const group = i < nGroups;
      const id = group ? -1_000_000_000 - i : 100_000 + i;
      ids.push(id);
      emu.addChat({ id, type: group ? "supergroup" : "private" });
      const c: Chat = {
        id,
        type: group ? "supergroup" : "private",
        active: true,
        lang: i % 10 === 0 ? "en" : "zh",
        digest: { mode: "off", time: "09:00" },
        quiet: null,
        lastDigestAt: null,
        createdAt: now,
      };
      // Not awaited one by one: the durable file coalesces a burst of writes into a few.
      setup.push(store.putChat(c));
      setup.push(
        store.addSubscription({
          chatId: id,
          kind: i % 3 === 0 ? "region" : i % 3 === 1 ? "agency" : "all",
          value: i % 3 === 0 ? "宿迁" : i % 3 === 1 ? "发展和改革" : "",
          createdAt: now,
        }),
      );
    }
    await Promise.all(setup);
    const r = sampleReport();
    await store.putReport(r);
    await store.addEvents([{ id: "new:bench", kind: "new", at: now, portalId: "bench", reportIds: [r.id] }]);

    const notifier = createNotifier({
      store,
      portals: () => [{ id: "bench", name: "沭阳县", url: "http://127.0.0.1:9/bench/", region: "江苏 宿迁 沭阳", level: "department" }],
      api: new Api(emu.token, { apiRoot: emu.apiRoot }),
      adminChatIds: [],
      log: pino({ level: "silent" }),
      concurrency,
    });
    const t0 = performance.now();
    const res = await notifier.pump();
    const t1 = performance.now();
    const stateBytes = (await stat(join(dir, "state.json"))).size;
    const outboxBytes = (await stat(join(dir, "outbox.jsonl")).catch(() => ({ size: 0 }))).size;

    const delivered = ids.filter((id) => emu.messages(id).length === 1).length;
    const duplicates = ids.filter((id) => emu.messages(id).length > 1).length;
    const sends = emu.callsOf("sendMessage");
    const first = sends[0]?.at ?? 0;
    const last = sends.at(-1)?.at ?? 0;
    const seconds = (t1 - t0) / 1000;
    const sendSeconds = Math.max(0.001, (last - first) / 1000);
    const perMessage = res.sent ? ((t1 - t0) / res.sent).toFixed(1) : "—";
    console.log(`chats: ${chats} (${nGroups} groups, ${chats - nGroups} private), concurrency ${concurrency}, emulator latency ${latencyMs} ms`);
    console.log(`limits enforced by the emulator: ${TELEGRAM_LIKE_LIMITS.perChatPerSec}/s per chat, ${TELEGRAM_LIKE_LIMITS.perGroupPerMin}/min per group, ${TELEGRAM_LIKE_LIMITS.globalPerSec}/s overall; sender budget ${DEFAULT_LIMITS.globalPerSec}/s`);
    console.log(`enqueued: ${res.enqueued}, sent: ${res.sent}, failed: ${res.failed}`);
    console.log(`delivered: ${delivered}/${chats} chats, duplicates: ${duplicates}`);
    console.log(`pump wall time: ${seconds.toFixed(1)} s (${perMessage} ms/message)`);
    console.log(`achieved: ${(res.sent / seconds).toFixed(2)} messages/s overall, ${((sends.length - 1) / sendSeconds).toFixed(2)} messages/s between first and last send — budget 25/s (${((res.sent / seconds / 25) * 100).toFixed(0)} %)`);
    console.log(`429s seen: ${emu.rateLimited} from the emulator's limiter (${res.drain.rateLimited} handled by the sender)`);
    console.log(`after the run: state.json ${(stateBytes / 1e6).toFixed(1)} MB, outbox.jsonl ${(outboxBytes / 1e6).toFixed(1)} MB (status changes are appended lines, not state.json rewrites)`);
    if (delivered !== chats || duplicates) {
      throw new Error(`fan-out incomplete: delivered ${delivered}/${chats}, duplicates ${duplicates}`);
    }
  } finally {
    await store.close().catch(() => undefined);
    await emu.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
