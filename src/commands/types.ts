/** Shared shape of CLI subcommands: each feature folder exports `commands` (see src/cli.ts). */
import { ConfigError, loadConfig, type Config } from "../config.js";
import type { FetchErrorKind } from "../watch/fetcher.js";

export interface CliContext {
  /** Arguments after the subcommand name. */
  argv: string[];
  env: Record<string, string | undefined>;
  cwd: string;
  /** Writes one line (or chunk) to stdout. */
  out: (text: string) => void;
  /** Writes one line to stderr. */
  err: (text: string) => void;
}

export interface CliCommand {
  /** One-line description (zh-CN). */
  summary: string;
  /** Usage line(s). */
  usage: string;
  run(ctx: CliContext): Promise<number>;
}

/** Distinct exit codes, documented in the README. */
export const EXIT = {
  ok: 0,
  /** Some inputs failed (e.g. one of several files was not a report). */
  partial: 1,
  usage: 2,
  /** Input not found / unreadable. */
  notFound: 3,
  /** Read fine but not a 年报 (or empty, binary junk, too large, unsupported format). */
  notAReport: 4,
  /** Configuration or store problem. */
  config: 5,
  /** Network failure. */
  network: 6,
} as const;

/**
 * The exit code of a URL that could not be fetched: gone (404, 410) is "not found", a body over
 * the size cap is "not a 年报" (as for a file), everything else (timeout, refused, 5xx) is network.
 */
export function exitForFetch(e: { kind: FetchErrorKind; status?: number }): number {
  if (e.kind === "http" && (e.status === 404 || e.status === 410)) return EXIT.notFound;
  if (e.kind === "too-large") return EXIT.notAReport;
  return EXIT.network;
}

/** The configuration from the command's environment; a bad variable is reported (by name) as null. */
export function configOrReport(ctx: CliContext): Config | null {
  try {
    return loadConfig(ctx.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      ctx.err(e.message);
      return null;
    }
    throw e;
  }
}
