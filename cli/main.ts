/**
 * `voice-studio` — the command-line client: `npm run cli -- COMMAND …`, or the `voice-studio` bin (cli/bin.mjs).
 * See `voice-studio --help` and README.md, "Command-line client".
 */
import { type Io } from "./commands";
import { formatError } from "./output";
import { main } from "./run";

const tty = process.stderr.isTTY === true;
const io: Io = {
  out: (line) => process.stdout.write(line.endsWith("\n") ? line : `${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  status: tty ? (line) => process.stderr.write(`\r\x1b[K${line}`) : undefined,
};
main(process.argv.slice(2), process.env, io).then(
  (code) => (process.exitCode = code),
  (err) => {
    process.stderr.write(`${formatError(err)}\n`);
    process.exitCode = 1;
  },
);
