/**
 * `nianbao <command> …` — thin dispatcher. Each feature folder exports its subcommands; this file
 * only routes, prints help and turns unexpected exceptions into one clear line (never a stack
 * trace unless NIANBAO_DEBUG=1).
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { config as loadDotenv } from "dotenv";
import type { CliCommand, CliContext } from "./commands/types.js";
import { EXIT } from "./commands/types.js";
import { commands as reportCommands } from "./commands/parse.js";
import { commands as watchCommands } from "./commands/watch.js";
import { commands as historyCommands } from "./commands/history.js";

export const ALL_COMMANDS: Record<string, CliCommand> = {
  ...reportCommands,
  ...watchCommands,
  ...historyCommands,
};

function help(out: (s: string) => void): void {
  out("nianbao — 政府信息公开工作年度报告 解析、监测与提醒\n");
  out("用法: nianbao <命令> [参数]\n");
  for (const [name, c] of Object.entries(ALL_COMMANDS)) out(`  ${name.padEnd(10)} ${c.summary}\n`);
  out("\n`nianbao <命令> --help` 查看各命令的参数。\n");
}

export async function runCli(argv: string[], ctx: Omit<CliContext, "argv">): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    help(ctx.out);
    return name ? EXIT.ok : EXIT.usage;
  }
  const cmd = ALL_COMMANDS[name];
  if (!cmd) {
    ctx.err(`未知命令：${name.slice(0, 40)}（运行 nianbao --help 查看命令列表）`);
    return EXIT.usage;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    ctx.out(`${cmd.usage}\n`);
    return EXIT.ok;
  }
  return cmd.run({ ...ctx, argv: rest });
}

const isMain = import.meta.url === pathToFileURL(process.argv[1] ?? "").href || process.argv[1]?.endsWith("bin/nianbao.js");
if (isMain) {
  // stdout may be a closed pipe (`nianbao reports | head`): end quietly.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
  });
  // Same configuration as `npm start`: .env in the working directory, real variables win.
  const dotenvFile = resolve(process.cwd(), ".env");
  if (existsSync(dotenvFile)) loadDotenv({ path: dotenvFile, quiet: true });
  runCli(process.argv.slice(2), {
    env: process.env,
    cwd: process.cwd(),
    out: (s) => void process.stdout.write(s),
    err: (s) => void process.stderr.write(s.endsWith("\n") ? s : `${s}\n`),
  })
    .then((code) => {
      process.exitCode = code;
    })
    .catch((e: unknown) => {
      const msg = e instanceof Error ? e.message : String(e);
      process.stderr.write(`nianbao: ${msg}\n`);
      if (process.env.NIANBAO_DEBUG === "1" && e instanceof Error) process.stderr.write(`${e.stack}\n`);
      process.exitCode = EXIT.partial;
    });
}
