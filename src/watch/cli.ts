/** CLI subcommands of src/watch (registered in src/cli.ts). */
import type { CliCommand } from "../cli-types.js";

export const commands: Record<string, CliCommand> = {};
