/**
 * Shape harness: every golden report (2021 layout, all three tables) rendered in each shape of
 * scripts/shapes.ts and parsed again. Per shape: cells that agree with the hand-checked value,
 * honest nulls (null with a parse.* finding saying why), silent nulls, and wrong numbers (the
 * one outcome that must stay at 0). Run: `npx tsx scripts/shape-harness.ts [--verbose]`.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseDocument } from "../src/report/parse.js";
import type { Report } from "../src/report/schema.js";
import { render, SHAPES, type Shape, type ShapeReport } from "./shapes.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const golden = path.resolve(here, "../test/golden");
const verbose = process.argv.includes("--verbose");

/** Goldens that carry all three tables of the 2021 layout. */
export function goldenReports(): { name: string; report: ShapeReport }[] {
  const out: { name: string; report: ShapeReport }[] = [];
  for (const d of readdirSync(golden, { withFileTypes: true })) {
    if (!d.isDirectory()) continue;
    const e = JSON.parse(readFileSync(path.join(golden, d.name, "expected.json"), "utf8")) as Partial<ShapeReport> & { layout?: string };
    if (e.layout !== "2021" || !e.requests || !e.activeDisclosure || !e.reviewLitigation || !e.requests.total) continue;
    out.push({ name: d.name, report: { agency: "示例区人民政府", year: e.year ?? 2022, activeDisclosure: e.activeDisclosure, requests: e.requests, reviewLitigation: e.reviewLitigation } as ShapeReport });
  }
  return out;
}

/** Expected cells as [path, value] pairs. */
export function expectedCells(r: ShapeReport): [string, number | null, (x: Report) => number | null | undefined][] {
  const out: [string, number | null, (x: Report) => number | null | undefined][] = [];
  const a = r.activeDisclosure;
  for (const k of ["regulations", "normativeDocuments"] as const)
    for (const f of ["made", "repealed", "valid"] as const)
      out.push([`表二.${k}.${f}`, a[k][f], (x) => (x.activeDisclosure && "made" in x.activeDisclosure[k] ? (x.activeDisclosure[k] as Record<string, number | null>)[f] : undefined)]);
  for (const k of ["licensing", "punishment", "coercion", "fees"] as const)
    out.push([`表二.${k}`, a[k], (x) => (x.activeDisclosure && x.activeDisclosure.format !== "2019" ? x.activeDisclosure[k] : undefined)]);
  for (const [k, row] of Object.entries(r.requests)) row.forEach((v, i) => out.push([`表三.${k}[${i}]`, v, (x) => x.requests?.[k as keyof NonNullable<Report["requests"]>]?.[i]]));
  const blocks = ["review", "litigationDirect", "litigationAfterReview"] as const;
  blocks.forEach((b) => r.reviewLitigation[b].forEach((v, i) => out.push([`表四.${b}[${i}]`, v, (x) => x.reviewLitigation?.[b][i]])));
  return out;
}

export interface Tally {
  agree: number;
  honestNull: number;
  silentNull: number;
  wrong: number;
  notes: string[];
}

/** Parse one rendering and tally its cells against the expected values. */
export async function tally(r: ShapeReport, shape: Shape): Promise<Tally> {
  const { text, ext } = render(r, shape);
  const out = await parseDocument({ source: `shape.${ext}`, bytes: new TextEncoder().encode(text) });
  const t: Tally = { agree: 0, honestNull: 0, silentNull: 0, wrong: 0, notes: [] };
  const cells = expectedCells(r);
  if (!out.ok) {
    t.silentNull += cells.length;
    t.notes.push(`not parsed: ${out.error.message}`);
    return t;
  }
  const explained = out.report.findings.some((f) => f.rule.startsWith("parse."));
  for (const [p, want, get] of cells) {
    const got = get(out.report) ?? null;
    if (want === null) {
      if (got !== null) {
        t.wrong++;
        t.notes.push(`${p}: want blank, got ${got}`);
      } else t.agree++;
    } else if (got === null) {
      if (explained) t.honestNull++;
      else {
        t.silentNull++;
        t.notes.push(`${p}: want ${want}, got null with no parse finding`);
      }
    } else if (Math.abs(got - want) < 1e-9) t.agree++;
    else {
      t.wrong++;
      t.notes.push(`${p}: want ${want}, got ${got}`);
    }
  }
  return t;
}

async function main(): Promise<void> {
  const reports = goldenReports();
  console.log(`shape harness: ${reports.length} golden reports (${reports.map((r) => r.name).join(", ")})`);
  let allWrong = 0;
  for (const shape of SHAPES) {
    const sum: Tally = { agree: 0, honestNull: 0, silentNull: 0, wrong: 0, notes: [] };
    for (const { name, report } of reports) {
      const t = await tally(report, shape);
      sum.agree += t.agree;
      sum.honestNull += t.honestNull;
      sum.silentNull += t.silentNull;
      sum.wrong += t.wrong;
      if (verbose) for (const n of t.notes.slice(0, 5)) console.log(`    ${shape} ${name}: ${n}`);
    }
    const total = sum.agree + sum.honestNull + sum.silentNull + sum.wrong;
    allWrong += sum.wrong;
    console.log(
      `${shape.padEnd(22)} agree ${((100 * sum.agree) / total).toFixed(1).padStart(5)}% (${sum.agree}/${total})  honest null ${sum.honestNull}  silent null ${sum.silentNull}  wrong ${sum.wrong}`,
    );
  }
  console.log(`wrong numbers in all shapes: ${allWrong}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
