/**
 * The `--connections <file.json>` format, printed by every command that takes it
 * (`migrate`, `health`, and the backup commands) and shown in README.md.
 */
export const CONNECTIONS_HELP = `--connections <file.json>: one object keyed by store kind (postgres, redis, mongodb, elasticsearch,
clickhouse, neo4j), each a StoreConnection. "admin" is the identity the runner uses; "app" the
least-privilege one applications get (the runner creates it where polystore manages it).
Keep the file mode 0600 and out of git: it holds passwords. Example (two stores):
  {
    "postgres": {
      "kind": "postgres", "host": "127.0.0.1", "port": 5432, "tls": false, "database": "app",
      "admin": { "user": "polystore_admin", "password": "<admin password>" },
      "app":   { "user": "app_user", "password": "<app password>" },
      "options": { "ownerRole": "app_owner" }
    },
    "redis": {
      "kind": "redis", "host": "127.0.0.1", "port": 6379, "tls": false, "database": "0",
      "admin": { "user": "default", "password": "<admin password>" },
      "app":   { "user": "app", "password": "<app password>" }
    }
  }
"options" holds store-specific strings, e.g. mongodb { "authSource": "admin" }, elasticsearch
{ "flavor": "opensearch" }, neo4j { "httpPort": "7474" }. The stack output "connections"
(pulumi stack output connections --show-secrets --json --stack <s>) has exactly this shape.`;
