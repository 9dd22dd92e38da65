package polystore.bench;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies the V&lt;N&gt;__*.sql migrations of one directory with Flyway's Java API,
 * the way `flyway migrate` would: its own history table, validation on migrate,
 * one transaction per migration.
 *
 *   java -cp classes:lib/* polystore.bench.FlywayLauncher --url jdbc:postgresql://h:p/db --user u --locations /dir
 *
 * The password comes from FLYWAY_BENCH_PASSWORD (never the command line).
 * Last line on stdout: FLYWAY_RESULT {"success":…,"migrationsExecuted":…,"flywayVersion":"…"}.
 * Exit 0 on success, 1 when the migration failed, 2 on a usage error.
 */
public final class FlywayLauncher {
  private FlywayLauncher() {}

  public static void main(String[] argv) {
    String url = null;
    String user = null;
    String locations = null;
    for (int i = 0; i < argv.length; i++) {
      String a = argv[i];
      String v = i + 1 < argv.length ? argv[i + 1] : null;
      switch (a) {
        case "--url": url = v; i++; break;
        case "--user": user = v; i++; break;
        case "--locations": locations = v; i++; break;
        default:
          System.err.println("unknown argument " + a);
          System.exit(2);
      }
    }
    String password = System.getenv("FLYWAY_BENCH_PASSWORD");
    if (url == null || user == null || locations == null || password == null) {
      System.err.println("usage: FlywayLauncher --url <jdbc url> --user <user> --locations <dir> (password in FLYWAY_BENCH_PASSWORD)");
      System.exit(2);
    }
    try {
      MigrateResult result = Flyway.configure()
          .dataSource(url, user, password)
          .locations("filesystem:" + locations)
          .load()
          .migrate();
      System.out.println("FLYWAY_RESULT {\"success\":" + result.success
          + ",\"migrationsExecuted\":" + result.migrationsExecuted
          + ",\"flywayVersion\":\"" + result.flywayVersion + "\"}");
      System.exit(result.success ? 0 : 1);
    } catch (RuntimeException e) {
      String msg = String.valueOf(e.getMessage()).replace(password, "***");
      System.err.println("flyway failed: " + msg);
      System.exit(1);
    }
  }
}
