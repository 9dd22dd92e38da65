import { USAGE, type ReviewCommand } from "./args";
import { CommandError } from "@pulumi/pulumi/automation";
import { EXIT, ReviewError, scrubSensitive } from "./errors";
import { reviewDown } from "./down";
import { reviewGc } from "./gc";
import { listReviewStacks, rowsToJson, rowsToTable } from "./list";
import { reviewStackName } from "./naming";
import { reviewUp } from "./up";
import { cliMessage, openWorkspace, preservingSelection, requirePassphrase } from "./workspace";

/** Where a command writes: `out` for results, `err` for logs and errors. */
export interface ReviewIO {
  out: (s: string) => void;
  err: (s: string) => void;
  now?: () => Date;
  env?: NodeJS.ProcessEnv;
  workDir?: string;
}

/** Runs one parsed command; returns the process exit code. */
export async function runReview(cmd: ReviewCommand, io: ReviewIO): Promise<number> {
  const now = io.now ?? (() => new Date());
  const env = io.env ?? process.env;
  switch (cmd.command) {
    case "help":
      io.out(`${USAGE}\n`);
      return EXIT.ok;

    case "up": {
      const res = await reviewUp(cmd, { write: io.out, now, env, workDir: io.workDir });
      io.out(`\n${res.summary}`);
      if (cmd.summaryFile) io.err(`Summary written to ${cmd.summaryFile}\n`);
      return EXIT.ok;
    }

    case "down": {
      const rw = await openWorkspace({ workDir: io.workDir });
      requirePassphrase(rw, env);
      const res = await preservingSelection(rw, () => reviewDown(rw, cmd.pr, io.out));
      const file = res.removedStackFile ? ` and its Pulumi.${res.stack}.yaml` : "";
      io.out(
        res.outcome === "absent"
          ? `${reviewStackName(cmd.pr)} does not exist (already destroyed or never created): nothing to do${file ? `; removed leftover Pulumi.${res.stack}.yaml` : ""}.\n`
          : `${res.stack} destroyed; the stack${file} removed.\n`,
      );
      return EXIT.ok;
    }

    case "list": {
      const rw = await openWorkspace({ workDir: io.workDir });
      const at = now();
      const rows = await preservingSelection(rw, () => listReviewStacks(rw, at));
      io.out(cmd.json ? `${JSON.stringify(rowsToJson(rows, at), null, 2)}\n` : `${rowsToTable(rows, at)}\n`);
      return EXIT.ok;
    }

    case "gc": {
      const rw = await openWorkspace({ workDir: io.workDir });
      if (!cmd.dryRun) requirePassphrase(rw, env);
      const log = (line: string) => (cmd.json ? io.err : io.out)(`${line}\n`);
      const report = await preservingSelection(rw, () =>
        reviewGc(rw, now(), { dryRun: cmd.dryRun, write: cmd.json ? io.err : io.out, log }),
      );
      if (cmd.json) io.out(`${JSON.stringify(report, null, 2)}\n`);
      else {
        const done = report.entries.filter((e) => e.outcome !== "failed").length;
        log(`gc: ${done} ${cmd.dryRun ? "would be destroyed" : "removed"}, ${report.failed} failed, ${report.unknown.length} without expiry`);
      }
      return report.failed > 0 ? EXIT.failed : EXIT.ok;
    }
  }
}

/** Prints an error for people and returns its exit code. */
export function reportError(err: unknown, io: Pick<ReviewIO, "err">): number {
  if (err instanceof ReviewError) {
    io.err(`review: ${scrubSensitive(err.message)}\n`);
    return err.exitCode;
  }
  // A CommandError's message repeats the pulumi command line, which can carry config values: print only its error lines.
  const text = err instanceof CommandError ? `pulumi failed: ${cliMessage(err)}` : err instanceof Error ? (err.stack ?? err.message) : String(err);
  io.err(`review: unexpected error: ${scrubSensitive(text)}\n`);
  return EXIT.failed;
}
