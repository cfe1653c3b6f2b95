import { IpcChild } from "../ipc-child.js";
import type { ContenderName, FromContender, ToContender } from "./protocol.js";

/** A contender child process (`node --expose-gc contender.js …`) driven over IPC, one step at a time. */
export class ContenderProcess extends IpcChild<ToContender, FromContender> {
  constructor(name: ContenderName, options: { script: string; kubeconfigPath: string; objects: number }) {
    super(name, options.script, [name, options.kubeconfigPath, String(options.objects)], { type: "stop" });
  }
}
