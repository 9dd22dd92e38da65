/**
 * The Flyway side of the apply benchmark: builds bench/flyway (Maven, Maven
 * Central) once into ${POLYSTORE_CACHE:-$HOME/.cache/polystore}/bench/flyway,
 * keyed by a hash of the pom and the launcher source, and runs it.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";

const SRC = resolve(__dirname, "flyway");
const INPUTS = ["pom.xml", "src/main/java/polystore/bench/FlywayLauncher.java"];

export function cacheRoot(): string {
  return process.env.POLYSTORE_CACHE ?? join(homedir(), ".cache", "polystore");
}

export interface FlywayLauncher {
  /** `java` arguments up to and including the main class. */
  javaArgs: string[];
  /** Flyway version from the jar name in lib/. */
  version: string;
  /** Whether this call built it (false: cache hit). */
  built: boolean;
  buildSeconds: number;
}

/** Builds the launcher unless the cache holds a build of the same inputs. Throws with the build log's tail on failure. */
export function ensureFlyway(log: (m: string) => void): FlywayLauncher {
  const out = join(cacheRoot(), "bench", "flyway");
  const hash = createHash("sha256");
  for (const f of INPUTS) hash.update(f).update(readFileSync(join(SRC, f)));
  const key = hash.digest("hex").slice(0, 16);
  const stamp = join(out, ".stamp");
  let built = false;
  const t0 = Date.now();
  if (!(existsSync(stamp) && readFileSync(stamp, "utf8").trim() === key)) {
    log(`building the Flyway launcher with Maven into ${out} (first run downloads from Maven Central)`);
    rmSync(out, { recursive: true, force: true });
    const res = spawnSync(
      "mvn",
      ["-B", "-q", "-f", join(SRC, "pom.xml"), `-Dmaven.repo.local=${join(cacheRoot(), "m2")}`, `-Dbench.out=${out}`, "package"],
      { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
    );
    const logText = `${res.stdout ?? ""}${res.stderr ?? ""}${res.error ? res.error.message : ""}`;
    if (res.status !== 0) {
      writeFileSync(join(cacheRoot(), "bench-flyway.build.log"), logText);
      throw new Error(`Maven build of bench/flyway failed (exit ${res.status}; log ${join(cacheRoot(), "bench-flyway.build.log")}):\n${logText.trim().split("\n").slice(-20).join("\n")}`);
    }
    writeFileSync(stamp, `${key}\n`);
    built = true;
  }
  const jar = readdirSync(join(out, "lib")).find((f) => /^flyway-core-.*\.jar$/.test(f));
  if (!jar) throw new Error(`${join(out, "lib")}: no flyway-core jar after the build`);
  return {
    javaArgs: ["-cp", `${join(out, "classes")}:${join(out, "lib", "*")}`, "polystore.bench.FlywayLauncher"],
    version: jar.replace(/^flyway-core-|\.jar$/g, ""),
    built,
    buildSeconds: built ? (Date.now() - t0) / 1000 : 0,
  };
}
