/**
 * Configuration: a zod schema over the environment. Pure — `loadConfig(env)` takes the env object
 * as a parameter and never reads process.env itself; only src/main.ts and src/cli.ts pass it in.
 * Error messages name the variable, never its value (the bot token must never reach a log).
 */
import { z } from "zod";

const csvIds = z
  .string()
  .optional()
  .transform((s, ctx) => {
    if (!s || !s.trim()) return [] as number[];
    const out: number[] = [];
    for (const part of s.split(/[,\s]+/).filter(Boolean)) {
      const n = Number(part);
      if (!Number.isSafeInteger(n)) {
        ctx.addIssue({ code: "custom", message: "must be a comma-separated list of numeric chat ids" });
        return z.NEVER;
      }
      out.push(n);
    }
    return out;
  });

const optionalUrl = z
  .string()
  .optional()
  .transform((s) => (s && s.trim() ? s.trim() : undefined))
  .pipe(z.url().optional());

export const ConfigSchema = z.object({
  TELEGRAM_BOT_TOKEN: z
    .string()
    .optional()
    .transform((s) => (s && s.trim() ? s.trim() : undefined))
    .refine((s) => s === undefined || /^\d+:[A-Za-z0-9_-]{20,}$/.test(s), "does not look like a bot token (digits:secret)"),
  TELEGRAM_API_ROOT: z.url().default("https://api.telegram.org"),
  /** Proxy for Telegram only (portals have their own). */
  TELEGRAM_PROXY: optionalUrl,
  ADMIN_CHAT_IDS: csvIds,
  DATA_DIR: z.string().min(1).default("data"),
  PORTALS_FILE: z.string().optional(),
  POLL_CRON: z.string().default("*/10 * * * *"),
  DIGEST_CRON: z.string().default("* * * * *"),
  TZ: z.string().default("Asia/Shanghai"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Proxy for portal fetches only. */
  PORTAL_PROXY: optionalUrl,
  USER_AGENT: z.string().default("nianbao/0.1 (+https://github.com/nianbao; OGI annual report watcher)"),
  /** Minimum gap between two requests to one host, ms. */
  HOST_GAP_MS: z.coerce.number().int().nonnegative().default(2000),
  /** Global concurrent fetches. */
  FETCH_CONCURRENCY: z.coerce.number().int().positive().default(8),
  FETCH_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  /** Portal check interval in peak season (January–April) and the rest of the year, minutes. */
  PEAK_INTERVAL_MIN: z.coerce.number().positive().default(60),
  OFFPEAK_INTERVAL_MIN: z.coerce.number().positive().default(24 * 60),
  /** Months (1–12) counted as peak season. */
  PEAK_MONTHS: z
    .string()
    .default("1,2,3,4")
    .transform((s) => s.split(/[,\s]+/).filter(Boolean).map(Number))
    .pipe(z.array(z.number().int().min(1).max(12))),
  /** Consecutive failures before admins are told a portal is down. */
  PORTAL_FAILURE_ALERT: z.coerce.number().int().positive().default(3),
  DEFAULT_LANG: z.enum(["zh", "en"]).default("zh"),
});

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  constructor(public readonly issues: string[]) {
    super(`配置错误 / configuration error:\n${issues.map((i) => `  - ${i}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Validates `env`; throws ConfigError naming each bad variable (never its value). */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const r = ConfigSchema.safeParse(env);
  if (r.success) return r.data;
  throw new ConfigError(r.error.issues.map((i) => `${i.path.join(".") || "(env)"}: ${i.message}`));
}
