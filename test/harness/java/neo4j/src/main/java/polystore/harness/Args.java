package polystore.harness;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Minimal "--key value" argument parsing shared by the harness launchers. */
final class Args {
  private Args() {}

  static Map<String, String> parse(String[] args, String... required) {
    Map<String, String> out = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --key value pairs, got: " + String.join(" ", args));
      }
      out.put(args[i], args[++i]);
    }
    List<String> missing = List.of(required).stream().filter(k -> !out.containsKey(k)).toList();
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("missing required arguments: " + String.join(", ", missing));
    }
    return out;
  }

  static int port(Map<String, String> opts, String key) {
    int port = Integer.parseInt(opts.get(key));
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(key + " must be a TCP port (1-65535), got " + port);
    }
    return port;
  }
}
