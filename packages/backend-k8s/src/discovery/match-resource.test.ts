import { describe, expect, it } from "vitest";
import type { DiscoveredResource } from "./discovered-resource.js";
import { aggregatedResourcesOf, groupsOf, resourceListOf } from "./discovery-documents.js";
import { matchResource } from "./match-resource.js";

function resource(
  group: string,
  version: string,
  kind: string,
  plural: string,
  shortNames: string[] = [],
  namespaced = true,
): DiscoveredResource {
  return { group, version, plural, singular: kind.toLowerCase(), kind, shortNames, namespaced };
}

/** In discovery order: the core group first, then groups by priority, preferred versions first. */
const SERVED: DiscoveredResource[] = [
  resource("", "v1", "ConfigMap", "configmaps", ["cm"]),
  resource("", "v1", "Namespace", "namespaces", ["ns"], false),
  resource("apps", "v1", "Deployment", "deployments", ["deploy"]),
  resource("apps", "v1beta1", "Deployment", "deployments", ["deploy"]),
  resource("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", ["netpol"]),
  resource("crd.projectcalico.org", "v1", "NetworkPolicy", "networkpolicies"),
  resource("example.com", "v1", "Widget", "widgets", ["cm"]),
];

function match(name: string) {
  const found = matchResource(name, SERVED);
  return found === undefined ? undefined : `${found.plural}.${found.version}.${found.group}`;
}

describe("matchResource (kubectl's rules)", () => {
  it("matches short names, plurals, singulars and kinds, case-insensitively", () => {
    expect(match("cm")).toBe("configmaps.v1.");
    expect(match("configmaps")).toBe("configmaps.v1.");
    expect(match("configmap")).toBe("configmaps.v1.");
    expect(match("ConfigMap")).toBe("configmaps.v1.");
    expect(match("CONFIGMAPS")).toBe("configmaps.v1.");
    expect(match("deploy")).toBe("deployments.v1.apps");
    expect(match("Deployment")).toBe("deployments.v1.apps");
  });

  it("prefers the earlier group and the preferred version among equal matches", () => {
    expect(match("networkpolicies")).toBe("networkpolicies.v1.networking.k8s.io");
    expect(match("deployments")).toBe("deployments.v1.apps");
  });

  it("narrows to a group with <name>.<group> and to a version with <name>.<version>.<group>", () => {
    expect(match("networkpolicies.crd.projectcalico.org")).toBe("networkpolicies.v1.crd.projectcalico.org");
    expect(match("NetworkPolicy.crd.projectcalico.org")).toBe("networkpolicies.v1.crd.projectcalico.org");
    expect(match("deploy.apps")).toBe("deployments.v1.apps");
    expect(match("deployments.v1beta1.apps")).toBe("deployments.v1beta1.apps");
    expect(match("cm.example.com")).toBe("widgets.v1.example.com");
    expect(match("deployments.extensions")).toBeUndefined();
    expect(match("configmaps.v2.")).toBeUndefined();
  });

  it("matches nothing for an unknown name", () => {
    expect(match("gizmo")).toBeUndefined();
    expect(match("")).toBeUndefined();
  });
});

describe("discovery documents", () => {
  it("reads legacy group lists (preferred version first) and resource lists without subresources", () => {
    const groups = groupsOf({
      kind: "APIGroupList",
      groups: [
        {
          name: "apps",
          versions: [{ version: "v1beta1" }, { version: "v1" }],
          preferredVersion: { version: "v1" },
        },
        { name: "" },
        "junk",
      ],
    });
    expect(groups).toEqual([{ name: "apps", versions: ["v1", "v1beta1"] }]);
    const resources = resourceListOf("apps", "v1", {
      resources: [
        {
          name: "deployments",
          singularName: "deployment",
          kind: "Deployment",
          namespaced: true,
          shortNames: ["deploy"],
        },
        { name: "deployments/scale", kind: "Scale", namespaced: true },
        { kind: "NoName" },
      ],
    });
    expect(resources).toEqual([resource("apps", "v1", "Deployment", "deployments", ["deploy"])]);
  });

  it("reads aggregated discovery (apidiscovery.k8s.io)", () => {
    const resources = aggregatedResourcesOf({
      kind: "APIGroupDiscoveryList",
      items: [
        {
          metadata: { name: "" },
          versions: [
            {
              version: "v1",
              resources: [
                {
                  resource: "nodes",
                  responseKind: { group: "", version: "v1", kind: "Node" },
                  scope: "Cluster",
                  singularResource: "node",
                  shortNames: ["no"],
                },
                {
                  resource: "pods",
                  responseKind: { kind: "Pod" },
                  scope: "Namespaced",
                  singularResource: "pod",
                },
              ],
            },
          ],
        },
      ],
    });
    expect(resources).toEqual([
      resource("", "v1", "Node", "nodes", ["no"], false),
      resource("", "v1", "Pod", "pods", [], true),
    ]);
  });
});
