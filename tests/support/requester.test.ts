import { describe, expect, it } from "vitest";
import { nodeRequester, parseRequester, podRequester } from "../../harness/support/requester.js";

describe("the requester in a registry request's User-Agent", () => {
  it("should read back the node and the pod the simulated node wrote", () => {
    expect(parseRequester(`pullcheck-registry-client/0.1 ${nodeRequester("node-3")} ${podRequester("default", "warm")}`)).toEqual({
      node: "node-3",
      pod: "warm",
    });
  });

  it("should credit nobody for a pod name that is not a Kubernetes name, such as x/victim", () => {
    expect(parseRequester(`${nodeRequester("node-1")} pod/default/x/victim`)).toEqual({ node: "node-1", pod: undefined });
    expect(parseRequester("pod/default/Victim")).toEqual({ node: undefined, pod: undefined });
  });

  it("should credit nobody when one User-Agent claims two pods", () => {
    expect(parseRequester("pod/default/a pod/default/victim").pod).toBeUndefined();
  });

  it("should credit nobody for other clients", () => {
    expect(parseRequester("containerd/v2.2.0")).toEqual({ node: undefined, pod: undefined });
  });
});
