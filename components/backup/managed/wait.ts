/**
 * Waiting for a managed snapshot or restore with a bounded time (`--wait-minutes`): polls, logs
 * each change of state, and on timeout throws an error naming what was waited for. The clock and
 * the sleep are injectable so tests run in no time.
 */
import type { ManagedState } from "./types";

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

/** Default wait for one snapshot or restore, minutes. */
export const DEFAULT_WAIT_MINUTES = 60;
/** Seconds between two polls. */
export const POLL_SECONDS = 15;

/** How long a snapshot or resource just asked for may be unknown to the service's describe call. */
export const MISSING_GRACE_MS = 60_000;

/** The wait ran out; the operation goes on in AWS. */
export class WaitTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WaitTimeoutError";
  }
}

export interface WaitOptions<S extends { state: ManagedState; detail?: string }> {
  /** What is waited for, e.g. `postgres: RDS DB snapshot polystore-prod-postgres-20261203-020000`. */
  what: string;
  poll(): Promise<S>;
  timeoutMinutes: number;
  clock: Clock;
  log(message: string): void;
  pollSeconds?: number;
}

/**
 * Polls until the state is `available` and returns that status; throws when it is `failed` or
 * `missing`, or when `timeoutMinutes` pass (the message names `what` and says it goes on in AWS).
 */
export async function waitUntilAvailable<S extends { state: ManagedState; detail?: string }>(o: WaitOptions<S>): Promise<S> {
  const start = o.clock.now();
  const deadline = start + o.timeoutMinutes * 60_000;
  let last = "";
  for (;;) {
    let s = await o.poll();
    // Just created, the service may not list it yet (eventually consistent APIs): pending for a minute.
    if (s.state === "missing" && o.clock.now() - start < MISSING_GRACE_MS) s = { ...s, state: "creating", detail: "not listed yet" };
    const word = `${s.state}${s.detail && s.detail !== s.state ? ` (${s.detail})` : ""}`;
    if (word !== last) o.log(`${o.what}: ${word}`);
    last = word;
    if (s.state === "available") return s;
    if (s.state === "failed") throw new Error(`${o.what} failed: the service reports ${s.detail ?? "failed"}`);
    if (s.state === "missing") throw new Error(`${o.what} disappeared while waiting (deleted by someone else?)`);
    if (o.clock.now() >= deadline) {
      throw new WaitTimeoutError(
        `${o.what} is not available after ${o.timeoutMinutes} minute(s) (--wait-minutes ${o.timeoutMinutes}); last state: ${word}. ` +
          'It goes on in AWS and is recorded in the run\'s manifest as "creating"; pass a larger --wait-minutes to wait longer',
      );
    }
    await o.clock.sleep((o.pollSeconds ?? POLL_SECONDS) * 1000);
  }
}
