import { KUBERNETES_CLIENT_DEFAULTS } from "@watchersyncer/backend-k8s";
import { IpcChild } from "../ipc-child.js";
import type { ContenderName, FromContender, ToContender } from "./protocol.js";

/** A contender child process (`node --expose-gc contender.js …`) driven over IPC, one step at a time. */
export class ContenderProcess extends IpcChild<ToContender, FromContender> {
  constructor(name: ContenderName, options: { script: string; kubeconfigPath: string; objects: number }) {
    // The bound reads pages of ours' default size.
    const pageSize = String(KUBERNETES_CLIENT_DEFAULTS.pageSize);
    super(name, options.script, [name, options.kubeconfigPath, String(options.objects), pageSize], {
      type: "stop",
    });
  }
}
