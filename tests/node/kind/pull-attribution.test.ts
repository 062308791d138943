import { describe, expect, it } from "vitest";
import { PullAttribution } from "../../../harness/node/kind/pull-attribution.js";

const head = (time: number, repo = "app") => ({ time, method: "HEAD", path: `/v2/${repo}/manifests/v1` });
const blob = (time: number, repo = "app") => ({ time, method: "GET", path: `/v2/${repo}/blobs/sha256:abc` });

describe("PullAttribution (requests containerd sends without naming the pod)", () => {
  it("gives a manifest request to the waiting pod of that repository, and the blobs after it too", () => {
    const a = new PullAttribution();
    a.podCreated("web", "registry.pullcheck.test/app:v1", 100);
    a.podCreated("other", "registry.pullcheck.test/db:v1", 100);
    expect(a.attribute(head(150))).toBe("web");
    expect(a.attribute(blob(160))).toBe("web");
    expect(a.attribute(head(170, "db"))).toBe("other");
  });

  it("does not give a pod a request made before it was created, after it was deleted, or while it was running", () => {
    const a = new PullAttribution();
    a.podCreated("web", "registry.pullcheck.test/app@sha256:1234", 100);
    expect(a.attribute(head(50))).toBeUndefined();
    a.podObserved("web", true, 200);
    expect(a.attribute(head(250))).toBeUndefined();
    a.podObserved("web", false, 300);
    expect(a.attribute(head(350))).toBe("web");
    a.podDeleted("web", 400);
    expect(a.attribute(head(450))).toBeUndefined();
  });

  it("a start observed later than a request still counts the request as before the start", () => {
    const a = new PullAttribution();
    a.podCreated("web", "registry.pullcheck.test/app:v1", 100);
    a.podObserved("web", true, 700); // the poll saw the start 500 ms after it
    expect(a.attribute(head(650))).toBe("web");
  });

  it("shares manifest requests among pods waiting for the same repository, one each, oldest first", () => {
    const a = new PullAttribution();
    a.podCreated("first", "registry.pullcheck.test/app:v1", 100);
    a.podCreated("second", "registry.pullcheck.test/app:v1", 110);
    expect([a.attribute(head(200)), a.attribute(head(210)), a.attribute(head(220))]).toEqual(["first", "second", "first"]);
  });

  it("counts a pod's manifest requests again after each start it was seen making", () => {
    const a = new PullAttribution();
    a.podCreated("first", "registry.pullcheck.test/app:v1", 100);
    a.podCreated("second", "registry.pullcheck.test/app:v1", 110);
    expect(a.attribute(head(200))).toBe("first");
    a.podObserved("first", true, 300);
    a.podObserved("first", false, 400);
    expect(a.attribute(head(450))).toBe("first");
    expect(a.attribute(head(460))).toBe("second");
  });

  it("ignores other hosts and requests that name no repository", () => {
    const a = new PullAttribution();
    a.podCreated("web", "docker.io/library/busybox:1", 100);
    expect(a.attribute(head(150, "library/busybox"))).toBeUndefined();
    a.podCreated("app", "registry.pullcheck.test/app:v1", 100);
    expect(a.attribute({ time: 150, method: "GET", path: "/v2/" })).toBeUndefined();
  });
});
