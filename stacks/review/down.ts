import * as fs from "fs";
import { Stack } from "@pulumi/pulumi/automation";
import { ReviewError } from "./errors";
import { reviewStackName } from "./naming";
import { cliMessage, isStackNotFound, stackFilePath, type ReviewWorkspace } from "./workspace";

/** Outcome of destroying one review stack. */
export interface DownResult {
  stack: string;
  /** `destroyed`: resources destroyed and stack removed; `absent`: there was no such stack. */
  outcome: "destroyed" | "absent";
  /** Whether a leftover Pulumi.<stack>.yaml was removed. */
  removedStackFile: boolean;
}

/**
 * Destroys a review stack's resources, removes the stack from the backend
 * and its `Pulumi.<stack>.yaml` from the project. A stack that does not
 * exist is a success (`absent`). Throws ReviewError when destroy fails (the
 * stack and its file are kept, so it can be retried).
 */
export async function destroyReviewStack(rw: ReviewWorkspace, stackName: string, write: (s: string) => void): Promise<DownResult> {
  const file = stackFilePath(rw.workDir, stackName);
  let stack: Stack;
  try {
    stack = await Stack.select(stackName, rw.ws);
  } catch (err) {
    if (!isStackNotFound(err)) throw new ReviewError(`Cannot select ${stackName}: ${cliMessage(err)}`);
    const removedStackFile = fs.existsSync(file);
    fs.rmSync(file, { force: true });
    return { stack: stackName, outcome: "absent", removedStackFile };
  }
  try {
    await stack.destroy({ onOutput: write, color: "never", remove: true, message: `review stack ${stackName} torn down` });
  } catch (err) {
    throw new ReviewError(`pulumi destroy of ${stackName} failed: ${cliMessage(err)}`, [
      "the stack and its config are kept; retry with `npm run review -- down --pr <n>` or let `gc` retry",
    ]);
  }
  // `destroy --remove` removes the stack and (since Pulumi 3.x) its config file; make sure no file is left.
  const removedStackFile = fs.existsSync(file);
  fs.rmSync(file, { force: true });
  return { stack: stackName, outcome: "destroyed", removedStackFile };
}

/** `down --pr <n>`. */
export async function reviewDown(rw: ReviewWorkspace, pr: number, write: (s: string) => void): Promise<DownResult> {
  return destroyReviewStack(rw, reviewStackName(pr), write);
}
