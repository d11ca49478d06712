/**
 * `npm run user -- create --admin|--member|--viewer NAME [--password-stdin]`, `npm run user -- reset NAME
 * [--password-stdin]`, `npm run user -- list`. Against DATABASE_URL, or the running embedded Postgres of DATA_ROOT.
 * The password is asked for twice on a terminal (not echoed), or read as one line from stdin with --password-stdin.
 */
import fs from "node:fs";
import readline from "node:readline";
import { config } from "../lib/config";
import { createPrisma } from "../lib/db";
import { paths } from "../lib/paths";
import { createUser, listUsers, updateUser } from "../lib/auth/users";
import { EMBEDDED_DB_NAME } from "./launcher/embedded-db";

const USAGE = `usage: npm run user -- create --admin|--member|--viewer NAME [--password-stdin]
       npm run user -- reset NAME [--password-stdin]
       npm run user -- list`;

function fail(message: string, code = 2): never {
  console.error(message);
  process.exit(code);
}

/** DATABASE_URL, else the embedded Postgres that a running launcher holds in DATA_ROOT. */
function databaseUrl(): string {
  const cfg = config();
  if (cfg.databaseUrl) return cfg.databaseUrl;
  const pid = `${paths().postgresDir()}/postmaster.pid`;
  if (!fs.existsSync(pid)) fail("DATABASE_URL is not set and the embedded Postgres is not running: start `npm start` (or set DATABASE_URL)", 1);
  const port = fs.readFileSync(pid, "utf8").split("\n")[3]?.trim();
  const secret = fs.readFileSync(paths().postgresSecretFile(), "utf8").trim();
  return `postgres://postgres:${secret}@127.0.0.1:${port}/${EMBEDDED_DB_NAME}`;
}

async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin || !process.stdin.isTTY) {
    const text = await new Promise<string>((resolve) => {
      let data = "";
      process.stdin.setEncoding("utf8");
      process.stdin.on("data", (d) => (data += d));
      process.stdin.on("end", () => resolve(data));
    });
    return text.split(/\r?\n/)[0] ?? "";
  }
  const ask = (q: string) =>
    new Promise<string>((resolve) => {
      const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: true });
      // do not echo what is typed
      (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
        if (s.startsWith(q)) process.stdout.write(q);
      };
      rl.question(q, (a) => {
        rl.close();
        process.stdout.write("\n");
        resolve(a);
      });
    });
  const a = await ask("Password: ");
  if ((await ask("Again: ")) !== a) fail("the two passwords differ");
  return a;
}

async function main() {
  const args = process.argv.slice(2);
  const cmd = args[0];
  const stdin = args.includes("--password-stdin");
  const rest = args.slice(1).filter((a) => a !== "--password-stdin");
  const prisma = createPrisma(databaseUrl(), 1);
  try {
    if (cmd === "list") {
      for (const u of await listUsers(prisma)) console.log(`${u.name}\t${u.role}${u.disabled ? "\tdisabled" : ""}\t${u.createdAt.toISOString()}`);
    } else if (cmd === "create") {
      const roles = rest.filter((a) => ["--admin", "--member", "--viewer"].includes(a));
      const names = rest.filter((a) => !a.startsWith("--"));
      if (roles.length !== 1 || names.length !== 1 || rest.length !== 2) fail(USAGE);
      const user = await createUser({ name: names[0], password: await readPassword(stdin), role: roles[0]!.slice(2) }, prisma);
      console.log(`created ${user.role} "${user.name}"`);
    } else if (cmd === "reset") {
      if (rest.length !== 1 || rest[0]!.startsWith("--")) fail(USAGE);
      const user = await prisma.user.findUnique({ where: { name: rest[0]! } });
      if (!user) fail(`no user named "${rest[0]}"`, 1);
      await updateUser(user.id, { password: await readPassword(stdin), disabled: false }, prisma);
      console.log(`new password set for "${user.name}" (enabled; their sessions ended)`);
    } else {
      fail(USAGE);
    }
  } finally {
    await prisma.$disconnect();
  }
}

main().catch((err) => fail((err as Error).message, 1));
