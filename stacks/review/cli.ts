/**
 * `npm run review -- up|down|list|gc`: ephemeral review stacks, one per pull
 * request (see README.md, "Review stacks"). Exit codes: 0 ok, 1 an operation
 * failed, 2 usage or template error, 3 environment not ready.
 */
import { parseArgs } from "./args";
import { reportError, runReview, type ReviewIO } from "./commands";

const io: ReviewIO = {
  out: (s) => void process.stdout.write(s),
  err: (s) => void process.stderr.write(s),
};

async function main(argv: string[]): Promise<number> {
  try {
    return await runReview(parseArgs(argv), io);
  } catch (err) {
    return reportError(err, io);
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
