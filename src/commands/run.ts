/** How a CLI command gets its adapters: config from its environment, then the app (src/app.ts). */
import { AppOpenError, openApp, type App, type OpenAppOptions } from "../app.js";
import { StoreLockedError } from "../store/lock.js";
import { StoreCorruptError } from "../store/types.js";
import { PortalsFileError } from "../watch/portals.js";
import type { CliContext } from "./types.js";
import { EXIT, configOrReport } from "./types.js";

/**
 * Opens the app for one command, runs `fn`, closes the app. Configuration, store and registry
 * problems become one line on stderr and exit code 5; log lines go to stderr, never stdout.
 */
export async function withApp(ctx: CliContext, opts: Omit<OpenAppOptions, "cwd" | "logFd">, fn: (app: App) => Promise<number>): Promise<number> {
  const config = configOrReport(ctx);
  if (!config) return EXIT.config;
  let app: App;
  try {
    app = await openApp(config, { ...opts, cwd: ctx.cwd, logFd: 2 });
  } catch (e) {
    if (e instanceof AppOpenError) {
      ctx.err(e.message);
      return EXIT.config;
    }
    throw e;
  }
  try {
    return await fn(app);
  } catch (e) {
    if (e instanceof StoreCorruptError || e instanceof PortalsFileError || e instanceof StoreLockedError) {
      ctx.err(e.message);
      return EXIT.config;
    }
    throw e;
  } finally {
    await app.close().catch(() => undefined);
  }
}
