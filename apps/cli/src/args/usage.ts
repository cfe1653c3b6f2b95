import { backendNames, DEFAULT_BACKEND } from "../backends/registry.js";
import { DEFAULT_FUZZ_RUNS } from "./command-line.js";

export const SHORT_USAGE =
  "usage: watchersyncer watch [--backend <name>] [--kind <kind>]... [--namespace <ns>] " +
  "[--output jsonl|pretty|summary] [--duration <seconds>] [--seed <int>] [--rate <writes/s>] " +
  "[--metrics-addr <host:port>] [--log-level <level>] [--log-format text|json] [--subscribers <n>] " +
  "[etcd: --endpoints <urls> --prefix <key-prefix> …] " +
  "[k8s: --kubeconfig <file> --context <name> --resource <group/version/plural> --metadata-only] " +
  "| watchersyncer serve [--backend <name>] [--kind <kind>]... --listen <host:port> [--token-file <file>] " +
  "[--tls-cert <file> --tls-key <file>] [--max-connections <n>] [--max-watch-bytes <n>] " +
  "[--max-watch-lag <s>] [--drain-seconds <s>] " +
  "| watchersyncer fuzz [--runs <n>] [--minutes <m>] [--seed <int>]";

export function usageText(): string {
  return `watchersyncer — list and watch a datastore through a watcher syncer and print the update stream

Usage:
  watchersyncer watch [options]
  watchersyncer serve [options]
  watchersyncer fuzz [--runs <n>] [--minutes <m>] [--seed <int>]
  watchersyncer --help | --version

Commands:
  watch                  print every update (new/updated/deleted) and every sync status change
  serve                  serve the datastore as a read-only Kubernetes list/watch API
                         (@watchersyncer/relay over one hub): kubectl, client-go and client-node
                         list and watch it, the datastore sees one list and watch per kind
  fuzz                   fuzz the syncer over the memory backend (random histories of writes,
                         faults, stalls, restarts, in simulated time) and check its contract;
                         prints a verdict, and on failure the shrunk history and its replay

Options:
  --backend <name>       datastore: ${backendNames().join(", ")} (default ${DEFAULT_BACKEND}).
                         memory runs a demo: it seeds data, keeps writing and injecting faults,
                         and verifies at the end that the syncer's view equals the datastore
  --kind <kind>          a kind to watch; repeat for more (default: every kind of the backend)
  --namespace <ns>       watch only this namespace of namespaced kinds
  --output <format>      jsonl | pretty | summary (default: pretty on a terminal, else jsonl)
  --duration <seconds>   stop after this long, verify and exit (default: until SIGINT/SIGTERM)
  --seed <int>           demo PRNG seed, 0..4294967295 (default: random; printed at the end)
  --rate <writes/s>      demo write rate (default 50)
  --metrics-addr <host:port>
                         serve Prometheus metrics at http://<host:port>/metrics (port 0: any
                         free port); the URL is printed to stderr
  --log-level <level>    silent | error | warn | info | debug: the syncer's and backend's logs on
                         stderr (default: WATCHERSYNCER_LOG, else warn)
  --log-format <format>  text | json (default text: "time LEVEL message key=value…")
  --subscribers <n>      run n syncers on one shared hub (@watchersyncer/hub): one list and one
                         watch per kind reach the datastore; the first one is printed, and with
                         the demo each one is verified against the datastore at the end
  --connect-timeout <s>  etcd and k8s: fail (exit 2) unless in sync within this long (default 10)
  -h, --help             show this help
  --version              print the version

etcd (Calico's ETCD_ENDPOINTS, ETCD_CA_CERT_FILE, ETCD_CERT_FILE, ETCD_KEY_FILE, ETCD_USERNAME
and ETCD_PASSWORD apply where the flags are absent):
  --endpoints <urls>     etcd client URLs, comma-separated or repeated (http:// or https://)
  --cacert <file>        CA bundle for the server certificate
  --cert <file>, --key <file>   client certificate and key
  --user <name>          etcd user; --password-file <file> holds the password (trimmed)
  --kind <kind>          one of Calico's kinds (NetworkPolicy, networkpolicies, …)
  --prefix <key-prefix>  watch a raw key prefix instead of (or besides) kinds; repeatable
  --page-size <n>        keys per range request while listing, at most (default 20000); pages
                         that would exceed the 256 MiB gRPC receive limit get fewer by themselves

k8s (the kubeconfig from --kubeconfig, else KUBECONFIG, ~/.kube/config or in-cluster):
  --kubeconfig <file>    kubeconfig to use
  --context <name>       kubeconfig context (default: its current context)
  --kind <kind>          a resource as kubectl names it: kind, plural, singular or short name
                         (ConfigMap, configmaps, cm, deploy), or <plural>.<group>
                         (networkpolicies.crd.projectcalico.org); resolved through the server's
                         discovery at start, and a name it does not serve exits 2. Calico's kinds
                         (NetworkPolicy, GlobalNetworkPolicy, …; NetworkPolicy is Calico's) need no
                         discovery and are polled until their CRD is installed
  --resource <g/v/r>     an explicit resource, <group>/<version>/<plural> (apps/v1/deployments;
                         core group: v1/configmaps), polled until served; repeatable
  --metadata-only        values are the objects' metadata only (PartialObjectMetadata): the server
                         sends, and the CLI parses, a fraction of the bytes

Serve options (besides --backend, its flags, --kind, --namespace, --log-level, --log-format):
  --listen <host:port>   where to listen (default 127.0.0.1:8080; :PORT is 127.0.0.1, port 0 any
                         free port); the base URL is the first line of stdout
  --token-file <file>    bearer tokens, one a line; other requests get 401 (never logged)
  --tls-cert <file>, --tls-key <file>   serve HTTPS
  --max-connections <n>  the most open connections; more are refused
  --max-watch-bytes <n>  bytes one watch client may leave unread (default 16 MiB), and
  --max-watch-lag <s>    seconds a line may wait unread for it (default 60); past either its watch
                         ends with a 410 Status and it lists again from the relay
  --drain-seconds <s>    on SIGTERM/SIGINT: stop accepting and close the open watches spread over
                         this long (default 5)
  The memory demo's kinds are served under memory.watchersyncer.dev/v1 in an envelope, etcd's
  Calico kinds at their CRD paths (crd.projectcalico.org/v1), a Kubernetes upstream's as it serves them.

For etcd and k8s there is no demo: the stream is printed as it comes until --duration or a
signal, and it is not verified against the datastore.

Fuzz options:
  --runs <n>             histories to run (default ${DEFAULT_FUZZ_RUNS}; with --minutes: until time is up)
  --minutes <m>          stop starting histories after this long
  --seed <int>           first seed, 0..2147483647 (default: random; printed in the verdict).
                         FUZZ_SEED=… FUZZ_PATH=… [FUZZ_REPLAY_PATH=…] in the environment replay a
                         reported failure

Exit status: 0 done (and verified), 1 the syncer's view differed, the fuzz found a violation
or the run failed, 2 bad usage or an external datastore that cannot be used.
`;
}
