import type { KubeConfig } from "@kubernetes/client-node";
import type { Cluster, Context, User } from "@kubernetes/client-node/dist/config_types.js";

export type { Cluster, Context, User };

/** The entries of a kubeconfig, in client-node's shapes (`Cluster`, `Context`, `User`). */
export interface KubeConfigContents {
  clusters: Cluster[];
  contexts: Context[];
  users: User[];
  currentContext: string;
}

/**
 * A kubeconfig loaded by this package, without client-node's generated API client: the read side
 * of client-node's `KubeConfig` (same method names, same entry shapes, same lookups), so code that
 * only inspects a config works with either. {@link toClientNode} gives client-node's own object for
 * anything else, at the price of loading client-node.
 */
export class ParsedKubeConfig {
  clusters: Cluster[];
  contexts: Context[];
  users: User[];
  private currentContext: string;

  constructor(contents: KubeConfigContents) {
    this.clusters = contents.clusters;
    this.contexts = contents.contexts;
    this.users = contents.users;
    this.currentContext = contents.currentContext;
  }

  getClusters(): Cluster[] {
    return this.clusters;
  }

  getContexts(): Context[] {
    return this.contexts;
  }

  getUsers(): User[] {
    return this.users;
  }

  getCurrentContext(): string {
    return this.currentContext;
  }

  setCurrentContext(name: string): void {
    this.currentContext = name;
  }

  getContextObject(name: string): Context | null {
    return findByName(this.contexts, name);
  }

  getCluster(name: string): Cluster | null {
    return findByName(this.clusters, name);
  }

  getUser(name: string): User | null {
    return findByName(this.users, name);
  }

  getCurrentContextObject(): Context | null {
    return this.getContextObject(this.currentContext);
  }

  getCurrentCluster(): Cluster | null {
    const context = this.getCurrentContextObject();
    return context === null ? null : this.getCluster(context.cluster);
  }

  getCurrentUser(): User | null {
    const context = this.getCurrentContextObject();
    return context === null ? null : this.getUser(context.user);
  }

  /**
   * client-node's `KubeConfig` with the same entries and current context (the entry objects are
   * shared, the lists are not), for its API clients or its auth plugins. Loads client-node's whole
   * package, generated API included, on first use.
   */
  async toClientNode(): Promise<KubeConfig> {
    const { KubeConfig } = await import("@kubernetes/client-node");
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [...this.clusters],
      contexts: [...this.contexts],
      users: [...this.users],
      currentContext: this.currentContext,
    });
    return kubeConfig;
  }
}

/** The first entry with that name, as client-node's `findObject` picks it. */
function findByName<T extends { name: string }>(list: readonly T[] | undefined, name: string): T | null {
  if (list === undefined) return null;
  for (const entry of list) {
    if (entry.name === name) return entry;
  }
  return null;
}
