import { describe, expect, it } from "vitest";
import { podImage, splitRepoTag, storeName } from "../../harness/scenario/image-names.js";

const digestOf = (variant: string) => `sha256:${variant.padEnd(64, "0")}`;

describe("podImage", () => {
  it("should put scenario names under the registry host", () => {
    expect(podImage("app:latest", digestOf)).toBe("registry.pullcheck.test/app:latest");
    expect(podImage("app", digestOf)).toBe("registry.pullcheck.test/app");
    expect(podImage("team/app:1.0", digestOf)).toBe("registry.pullcheck.test/team/app:1.0");
  });

  it("should turn app@VARIANT into the variant's digest", () => {
    expect(podImage("app@v1", digestOf)).toBe(`registry.pullcheck.test/app@${digestOf("v1")}`);
  });

  it("should leave names with a host, and non-names, as written", () => {
    expect(podImage("http://url", digestOf)).toBe("http://url");
    expect(podImage("other.example/app:1", digestOf)).toBe("other.example/app:1");
    expect(podImage("FAILED_IMAGE", digestOf)).toBe("registry.pullcheck.test/FAILED_IMAGE");
  });
});

describe("storeName and splitRepoTag", () => {
  it("should name stored images with the registry host", () => {
    expect(storeName("app:latest")).toBe("registry.pullcheck.test/app:latest");
  });

  it("should split repo and tag, defaulting the tag to latest", () => {
    expect(splitRepoTag("app:1.0")).toEqual({ repo: "app", tag: "1.0" });
    expect(splitRepoTag("team/app")).toEqual({ repo: "team/app", tag: "latest" });
  });
});
