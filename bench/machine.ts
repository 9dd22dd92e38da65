/** What the benchmark ran on: CPU, cores, memory, load, and the versions of the tools compared. */
import { spawnSync } from "node:child_process";
import { cpus, freemem, loadavg, totalmem } from "node:os";

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  freeMemoryGiB: number;
  /** 1-minute load average when the run started (other work on the machine skews figures). */
  loadAverage1m: number;
  /** 1-minute load average when the run ended. */
  loadAverage1mEnd?: number;
  os: string;
  node: string;
  java: string;
  postgres: string;
  psql: string;
  flyway?: string;
  engines: Record<string, string>;
}

/** stdout, or stderr when stdout is empty (`java -version` writes to stderr). */
function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.error) return `unavailable (${r.error.message})`;
  return (r.stdout.trim() || r.stderr.trim());
}

function cpuModel(): string {
  const fromOs = cpus()[0]?.model?.trim();
  const lscpu = run("lscpu", []);
  const m = /^Model name:\s*(.+)$/m.exec(lscpu);
  return (m?.[1] ?? fromOs ?? "unknown").replace(/\s+/g, " ");
}

export function machineInfo(): Machine {
  const javaVersion = run("java", ["-version"]).split("\n")[0] ?? "";
  const osRelease = run("sh", ["-c", ". /etc/os-release && echo \"$PRETTY_NAME\""]);
  return {
    cpuModel: cpuModel(),
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    freeMemoryGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
    os: `${osRelease} (${run("uname", ["-r"])})`,
    node: process.version,
    java: javaVersion.replace(/"/g, ""),
    postgres: "",
    psql: run("psql", ["--version"]),
    engines: {},
  };
}
