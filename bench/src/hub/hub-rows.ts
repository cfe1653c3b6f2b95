import { lowerIsBetter, percentile, type Row, requestCountRow } from "../measure.js";
import type { SetupSample } from "./setup-run.js";

const MB = 1024 * 1024;

/** The samples of every setup the hub benchmark runs. */
export interface HubSamples {
  /** One hub and 20 consumer syncers on `hub.client()`. */
  hub: SetupSample;
  /** 20 independent syncers on backend-k8s. */
  syncers: SetupSample;
  /** 20 consumers of client-node informers (one informer per resource type each). */
  informers: SetupSample;
  /** One such consumer. */
  informer: SetupSample;
  /** The hub alone (no consumers), without and with the transform. */
  hubStore: SetupSample;
  hubStoreTransformed: SetupSample;
}

/** 20 consumers on one hub vs 20 of `peer` (informers or independent syncers), against the same server. */
export function consumerRows(hub: SetupSample, peer: SetupSample, consumers: number, types: number): Row[] {
  return [
    requestCountRow("datastore lists until all in sync", hub.lists, peer.lists, types),
    requestCountRow("datastore watches open once in sync", hub.openWatches, peer.openWatches, types),
    lowerIsBetter("server CPU until all in sync", "ms", hub.serverCpuMs, peer.serverCpuMs, 0.1),
    lowerIsBetter(`time until all ${consumers} in sync`, "ms", hub.syncMs, peer.syncMs, 0.5),
    lowerIsBetter("consumer side's CPU until all in sync", "ms", hub.setupCpuMs, peer.setupCpuMs, 0.5),
    lowerIsBetter("process RSS after sync, GC'd", "MB", hub.rss / MB, peer.rss / MB, 0.2),
  ];
}

/** The whole hub setup against a single client-node consumer of the same types. */
export function singleInformerRow(hub: SetupSample, informer: SetupSample, consumers: number): Row {
  return lowerIsBetter(
    `process RSS, ${consumers} consumers on one hub vs 1 informer consumer`,
    "MB",
    hub.rss / MB,
    informer.rss / MB,
    1.5,
  );
}

/** Heap the setup holds per object once in sync, over what it held with its library loaded. */
export function bytesPerObject(sample: SetupSample): number {
  return (sample.heapUsed - sample.loadedHeapUsed) / sample.objects;
}

export function memoryRows(samples: HubSamples): Row[] {
  const informer = bytesPerObject(samples.informer);
  return [
    lowerIsBetter("JS heap per cached object, hub", "B", bytesPerObject(samples.hubStore), informer, 1),
    lowerIsBetter(
      "JS heap per cached object, hub with transform",
      "B",
      bytesPerObject(samples.hubStoreTransformed),
      informer,
      0.5,
    ),
  ];
}

export function fanOutRows(hub: SetupSample, syncers: SetupSample, consumers: number): Row[] {
  return [50, 99].map((p) =>
    lowerIsBetter(
      `upstream write until the last of ${consumers} has it, p${p}`,
      "ms",
      percentile(hub.fanOutMs, p),
      percentile(syncers.fanOutMs, p),
      1,
    ),
  );
}
