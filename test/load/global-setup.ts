/**
 * vitest globalSetup for `npm run test:load`: installs/caches the engines
 * (test/harness/setup.sh, seconds when warm) unless POLYSTORE_HARNESS_SKIP_SETUP=1,
 * and checks up front that a memory cgroup can be made (root, a memory
 * controller), so a machine without one fails the run with one clear message.
 */
import { spawnSync } from "node:child_process";
import { createMemoryCgroup } from "../harness/lib/cgroup";
import { SETUP_SCRIPT } from "../harness/lib/paths";

export default async function setup(): Promise<void> {
  if (process.env.POLYSTORE_HARNESS_SKIP_SETUP !== "1") {
    const r = spawnSync("bash", [SETUP_SCRIPT], { stdio: "inherit" });
    if (r.status !== 0) throw new Error(`test/harness/setup.sh failed (exit ${r.status ?? r.signal}); see its output above`);
  }
  const probe = createMemoryCgroup("probe", 64);
  console.log(`[load] memory cgroup v${probe.version} available (${probe.path})`);
  await probe.remove();
}
