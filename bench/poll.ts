/**
 * bench/poll: one watch cycle over 1,000 portals spread over 20 loopback hosts (127.0.0.1 …
 * 127.0.0.20, one server bound to each), 50 ms server latency, 200 ms per-host gap. Prints the
 * cycle time against the politeness floor (busiest host's requests × gap) and peak memory, for a
 * first (baseline) cycle and a second, conditional one.
 *
 *   npx tsx bench/poll.ts [--portals N] [--hosts N] [--gap MS] [--latency MS] [--workers N] [--per-host N] [--cached-parse]
 *
 * Parsing runs in the parse pool (worker threads), as in production.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os, { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { LowdbStore } from "../src/store/lowdb.js";
import { HttpFetcher } from "../src/watch/fetcher.js";
import { runCycle, type CycleSummary } from "../src/watch/cycle.js";
import { createParsePool } from "../src/watch/parse-pool.js";
import type { PortalEntry } from "../src/store/types.js";
import type { ParseInput, ParseOutcome } from "../src/report/parse.js";
import { PortalServer, fixture, listPage, textArticle } from "../test/support/portal-server.js";

function opt(argv: string[], name: string, def: number): number {
  const i = argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(argv[i + 1]) : def;
  return Number.isFinite(v) && v >= 0 ? v : def;
}

const silent = { info() {}, warn() {}, error() {}, debug() {} };

/** Runs the benchmark and prints its figures. */
export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  const nPortals = opt(argv, "portals", 1000);
  const nHosts = Math.min(254, opt(argv, "hosts", 20));
  const gap = opt(argv, "gap", 200);
  const latency = opt(argv, "latency", 50);

  const article = textArticle(fixture("004.txt").toString("utf8"));
  const servers: PortalServer[] = [];
  for (let h = 0; h < nHosts; h++) servers.push(await PortalServer.start({ host: `127.0.0.${h + 1}`, latencyMs: latency }));
  const portals: PortalEntry[] = [];
  for (let i = 0; i < nPortals; i++) {
    const srv = servers[i % nHosts]!;
    srv.page(`/p${i}/`, listPage([{ href: `./2025/t${i}.htm`, title: `第${i}号单位2024年度政府信息公开工作年度报告` }]), { etag: true });
    srv.page(`/p${i}/2025/t${i}.htm`, article, { etag: true });
    portals.push({ id: `p${i}`, name: `第${i}号单位`, url: srv.url(`/p${i}/`) });
  }

  const dir = await mkdtemp(join(tmpdir(), "nianbao-bench-poll-"));
  const store = new LowdbStore(dir);
  await store.open();
  const pool = createParsePool({ size: opt(argv, "workers", 1) });
  // --cached-parse: parse once and reuse the outcome, to separate parser CPU from I/O.
  let cached: ParseOutcome | undefined;
  const cachedParse = async (input: ParseInput): Promise<ParseOutcome> => (cached ??= await pool.parse(input));
  const fetcher = new HttpFetcher({ hostGapMs: gap, concurrency: Math.max(8, nHosts + 4), timeoutMs: 30_000 });
  let peakRss = 0;
  let peakHeap = 0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 50);
  const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;

  try {
    console.log(`portals ${nPortals}, hosts ${nHosts}, server latency ${latency} ms, per-host gap ${gap} ms`);
    for (const label of ["first cycle (baseline)", "second cycle (conditional GET)"]) {
      const before = servers.map((s) => s.requests.length);
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const s: CycleSummary = await runCycle({
        store,
        fetcher,
        portals,
        parse: argv.includes("--cached-parse") ? cachedParse : pool.parse,
        portalsPerHost: opt(argv, "per-host", 16),
        now: () => new Date(label.startsWith("first") ? "2025-02-10T00:00:00Z" : "2025-02-10T02:00:00Z"),
        log: silent,
        config: { TZ: "Asia/Shanghai", PEAK_MONTHS: [1, 2, 3, 4], PEAK_INTERVAL_MIN: 60, OFFPEAK_INTERVAL_MIN: 1440, PORTAL_FAILURE_ALERT: 3 },
      });
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const perHost = servers.map((srv, i) => srv.requests.length - before[i]!);
      const busiest = Math.max(...perHost);
      const floor = busiest * gap;
      const total = perHost.reduce((a, b) => a + b, 0);
      console.log(`\n${label}`);
      console.log(`  requests ${total} (busiest host ${busiest}); checked ${s.portalsChecked}, failed ${s.failed}, baseline ${s.baseline}, new ${s.newReports}, unparsed ${s.unparsed}`);
      console.log(`  cycle ${(ms / 1000).toFixed(2)} s; politeness floor ${(floor / 1000).toFixed(2)} s; ratio ${(ms / floor).toFixed(3)}×`);
      // Process CPU over all threads (parse workers included): shows when the machine, not the
      // pacing, sets the pace.
      console.log(`  CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s (all threads); load average ${os.loadavg()[0]!.toFixed(1)} on ${os.availableParallelism()} CPUs`);
    }
    console.log(`\nreports stored ${await store.countReports()}; peak RSS ${mb(peakRss)}, peak heap ${mb(peakHeap)}`);
  } finally {
    clearInterval(sampler);
    await fetcher.close();
    await pool.close();
    await store.close();
    for (const s of servers) await s.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
