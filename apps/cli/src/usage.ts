import { backendNames, DEFAULT_BACKEND } from "./backends.js";

export const SHORT_USAGE =
  "usage: watchersyncer watch [--backend <name>] [--kind <kind>]... [--namespace <ns>] " +
  "[--output jsonl|pretty|summary] [--duration <seconds>] [--seed <int>] [--rate <writes/s>]";

export function usageText(): string {
  return `watchersyncer — list and watch a datastore through a watcher syncer and print the update stream

Usage:
  watchersyncer watch [options]
  watchersyncer --help | --version

Commands:
  watch                  print every update (new/updated/deleted) and every sync status change

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
  -h, --help             show this help
  --version              print the version

Exit status: 0 done (and verified), 1 the syncer's view differed or the run failed, 2 bad usage.
`;
}
