package polystore.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;

/**
 * Starts an in-process Neo4j 5.26 (neo4j-harness) on loopback with
 * authentication enabled, and keeps it running until the process is killed.
 *
 * <p>Usage: {@code Neo4jLauncher --dir DIR --bolt-port N --http-port N [--pagecache-mb N]}
 * (page cache default 64 MB; the load suite passes the dev stack's); the
 * password of the built-in {@code neo4j} user comes from the environment
 * variable {@code POLYSTORE_NEO4J_PASSWORD} so it never shows in a process list.
 * Prints {@code POLYSTORE_READY bolt=... http=...} once the password is set.
 */
public final class Neo4jLauncher {
  private Neo4jLauncher() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = Args.parse(args, "--dir", "--bolt-port", "--http-port");
    Path dir = Path.of(opts.get("--dir")).toAbsolutePath();
    int boltPort = Args.port(opts, "--bolt-port");
    int httpPort = Args.port(opts, "--http-port");
    long pagecacheMb = Long.parseLong(opts.getOrDefault("--pagecache-mb", "64"));
    if (pagecacheMb < 8) {
      throw new IllegalArgumentException("--pagecache-mb must be at least 8, got " + pagecacheMb);
    }
    String password = System.getenv("POLYSTORE_NEO4J_PASSWORD");
    if (password == null || password.length() < 8) {
      throw new IllegalArgumentException(
          "POLYSTORE_NEO4J_PASSWORD must be set to a password of at least 8 characters");
    }
    Files.createDirectories(dir);

    Neo4j neo4j =
        Neo4jBuilders.newInProcessBuilder(dir)
            .withConfig(GraphDatabaseSettings.auth_enabled, true)
            .withConfig(BoltConnector.enabled, true)
            .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", boltPort))
            .withConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", boltPort))
            .withConfig(HttpConnector.enabled, true)
            .withConfig(HttpConnector.listen_address, new SocketAddress("127.0.0.1", httpPort))
            .withConfig(HttpConnector.advertised_address, new SocketAddress("127.0.0.1", httpPort))
            .withConfig(HttpsConnector.enabled, false)
            .withConfig(GraphDatabaseSettings.pagecache_memory, pagecacheMb * 1024 * 1024)
            .build();

    // The in-process server starts with neo4j/neo4j and "password change
    // required"; the embedded API is not subject to auth, so set the real
    // password through the system database.
    neo4j
        .databaseManagementService()
        .database("system")
        .executeTransactionally(
            "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
            Map.of("password", password));

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    neo4j.close();
                  } finally {
                    stopped.countDown();
                  }
                },
                "neo4j-launcher-shutdown"));

    System.out.println("POLYSTORE_READY bolt=" + neo4j.boltURI() + " http=" + neo4j.httpURI());
    System.out.flush();
    stopped.await();
  }
}
