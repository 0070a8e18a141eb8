/**
 * `npm run bench [-- NAME...]` runs the benchmarks one after another and prints their figures.
 * Each bench/<name>.ts exports `main(argv)`; run one alone with `npx tsx bench/<name>.ts`.
 */
const ALL = ["parse", "poll", "fanout", "history"] as const;

const args = process.argv.slice(2);
const names = args.filter((a) => !a.startsWith("-"));
const chosen = names.length ? names : [...ALL];
for (const name of chosen) {
  if (!(ALL as readonly string[]).includes(name)) {
    console.error(`unknown benchmark: ${name} (one of ${ALL.join(", ")})`);
    process.exit(2);
  }
  console.log(`\n=== bench/${name} ===`);
  const mod = (await import(`./${name}.ts`)) as { main: (argv: string[]) => Promise<void> };
  await mod.main(args.filter((a) => a.startsWith("-")));
}
