/**
 * The CLI as a function of argv, environment and output (the tests call it in process; `main.ts` is the entry).
 * The server from --url or VOICE_STUDIO_URL, the token from VOICE_STUDIO_TOKEN. Exit codes: 0 done, 1 failed,
 * 2 usage. Errors are one line.
 */
import { createClient } from "../lib/client/node";
import { helpText, parse, UsageError } from "./args";
import { HANDLERS, type Exit, type Io } from "./commands";
import { formatError } from "./output";

export const DEFAULT_URL = "http://127.0.0.1:3000";

export async function main(argv: string[], env: Record<string, string | undefined>, io: Io): Promise<Exit> {
  try {
    const parsed = parse(argv);
    if (parsed.kind === "help") {
      io.out(helpText(parsed.command));
      return 0;
    }
    const baseUrl = (typeof parsed.options.url === "string" ? parsed.options.url : undefined) ?? env.VOICE_STUDIO_URL ?? DEFAULT_URL;
    const client = createClient({ baseUrl, token: env.VOICE_STUDIO_TOKEN });
    const handler = HANDLERS[parsed.command.name]!;
    return await handler({ client, io, json: parsed.options.json === true, command: parsed.command, args: parsed.args, options: parsed.options });
  } catch (err) {
    io.err(formatError(err));
    return err instanceof UsageError ? 2 : 1;
  }
}

