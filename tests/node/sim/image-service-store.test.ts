import { createHash } from "node:crypto";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CriImageService } from "../../../harness/node/sim/image-service/cri-image-service.js";
import { preloadImage } from "../../../harness/node/sim/image-service/preload-image.js";
import type { FixtureBlob, FixtureImage } from "../../../harness/fixture-images/types.js";
import { RealClock } from "../../../harness/support/clock.js";

const sha = (b: Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const blob = (mediaType: string, bytes: Buffer): FixtureBlob => ({ digest: sha(bytes), mediaType, size: bytes.length, bytes });
const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const desc = (b: { mediaType: string; digest: string; size: number }) => ({ mediaType: b.mediaType, digest: b.digest, size: b.size });

/** A small image built by hand: `shared` is a layer two images have in common. */
function image(variant: string, arch: string, shared: FixtureBlob): { manifest: Buffer; blobs: FixtureBlob[] } {
  const config = blob("application/vnd.oci.image.config.v1+json", json({ architecture: arch, os: "linux", variant }));
  const own = blob("application/vnd.oci.image.layer.v1.tar+gzip", Buffer.from(`${variant}-${arch}`));
  const manifest = json({ schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: desc(config), layers: [desc(shared), desc(own)] });
  return { manifest, blobs: [config, shared, own] };
}

function plainFixture(variant: string, shared: FixtureBlob): FixtureImage {
  const { manifest, blobs } = image(variant, "amd64", shared);
  return {
    variant,
    digest: sha(manifest),
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    manifest,
    children: [],
    blobs,
    imageId: blobs[0]!.digest,
    description: "test",
  };
}

function multiarchFixture(shared: FixtureBlob): FixtureImage {
  const children = (["arm64", "amd64"] as const).map((arch) => ({ arch, ...image("multi", arch, shared) }));
  const index = json({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.index.v1+json",
    manifests: children.map((c) => ({
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      digest: sha(c.manifest),
      size: c.manifest.length,
      platform: { os: "linux", architecture: c.arch },
    })),
  });
  return {
    variant: "multiarch",
    digest: sha(index),
    mediaType: "application/vnd.oci.image.index.v1+json",
    manifest: index,
    children: children.map((c) => ({
      digest: sha(c.manifest),
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      bytes: c.manifest,
      platform: { os: "linux", architecture: c.arch },
    })),
    blobs: children.flatMap((c) => c.blobs).filter((b, i, all) => all.findIndex((x) => x.digest === b.digest) === i),
    imageId: children[1]!.blobs[0]!.digest,
    description: "test",
  };
}

const shared = blob("application/vnd.oci.image.layer.v1.tar+gzip", Buffer.from("shared base layer"));
const v1 = plainFixture("v1", shared);
const multi = multiarchFixture(shared);
let dir = "";
let service: CriImageService;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "pullcheck-store-"));
  service = new CriImageService({ nodeName: "node-a", storeDir: dir, hosts: {}, clock: new RealClock() });
});
afterAll(async () => {
  service.close();
  await rm(dir, { recursive: true, force: true });
});

const blobFiles = async () => (await readdir(path.join(dir, "blobs", "sha256"))).map((hex) => `sha256:${hex}`).sort();

describe("CriImageService store", () => {
  it("should preload a plain image and find it by name, by repo digest and by image ID", async () => {
    expect(await preloadImage(dir, "registry.pullcheck.test/app:v1", v1)).toBe(v1.imageId);
    const record = {
      id: v1.imageId,
      repoTags: ["registry.pullcheck.test/app:v1"],
      repoDigests: [`registry.pullcheck.test/app@${v1.digest}`],
      size: v1.blobs.reduce((sum, b) => sum + b.size, 0),
    };
    expect(await service.imageStatus("registry.pullcheck.test/app:v1")).toEqual(record);
    expect(await service.imageStatus(`registry.pullcheck.test/app@${v1.digest}`)).toEqual(record);
    expect(await service.imageStatus(v1.imageId)).toEqual(record);
    expect(await service.imageStatus("registry.pullcheck.test/app:v2")).toBeNull();
    expect(await service.imageStatus("registry.pullcheck.test/other@" + v1.digest)).toBeNull();
  });

  it("should store only the linux/amd64 part of an index, and list one record per image ID", async () => {
    await preloadImage(service, "registry.pullcheck.test/multi", multi);
    await preloadImage(dir, "registry.pullcheck.test/multi:again", multi);
    const arm = multi.children[0]!;
    expect(await blobFiles()).not.toContain(arm.digest);
    const records = await service.listImages();
    expect(records.map((r) => [r.id, r.repoTags])).toEqual([
      [v1.imageId, ["registry.pullcheck.test/app:v1"]],
      [multi.imageId, ["registry.pullcheck.test/multi:latest", "registry.pullcheck.test/multi:again"]],
    ]);
    expect(records[1]!.repoDigests).toEqual([`registry.pullcheck.test/multi@${multi.digest}`]);
    const file = JSON.parse(await readFile(path.join(dir, "images.json"), "utf8"));
    const names = file.images.map((entry: { name: string }) => entry.name);
    expect(names).toEqual(expect.arrayContaining([multi.imageId, `registry.pullcheck.test/multi@${multi.digest}`]));
    expect(file.images.find((entry: { name: string }) => entry.name === "registry.pullcheck.test/multi:latest")).toMatchObject({
      name: "registry.pullcheck.test/multi:latest",
      target: { digest: multi.digest },
      manifestDigest: multi.children[1]!.digest,
      configDigest: multi.imageId,
    });
  });

  it("should keep an image whose tag moved on, under its repo digest only, as containerd's CRI does", async () => {
    const v2 = plainFixture("v2", shared);
    await preloadImage(dir, "registry.pullcheck.test/moving:latest", v1);
    await preloadImage(dir, "registry.pullcheck.test/moving:latest", v2);
    expect((await service.imageStatus("registry.pullcheck.test/moving:latest"))?.id).toBe(v2.imageId);
    const old = await service.imageStatus(`registry.pullcheck.test/moving@${v1.digest}`);
    expect(old).toMatchObject({ id: v1.imageId, repoDigests: [`registry.pullcheck.test/app@${v1.digest}`, `registry.pullcheck.test/moving@${v1.digest}`] });
    expect(old?.repoTags).toEqual(["registry.pullcheck.test/app:v1"]);
    await service.removeImage(v2.imageId);
    await service.removeImage(`registry.pullcheck.test/moving@${v1.digest}`);
    await preloadImage(dir, "registry.pullcheck.test/app:v1", v1);
  });

  it("should notice a stored blob whose bytes changed", async () => {
    expect(await service.verifyImage(v1.imageId)).toBe(true);
    expect(await service.store.verifiesTree(v1.digest)).toBe(true);
    expect(await service.store.verifiesTree(multi.digest)).toBe(true);
    const file = path.join(dir, "blobs", "sha256", shared.digest.slice(7));
    await writeFile(file, "changed");
    expect(await service.verifyImage(v1.imageId)).toBe(false);
    expect(await service.store.verifiesTree(v1.digest)).toBe(false);
    expect(await service.store.verifiesTree(multi.digest)).toBe(false);
    await writeFile(file, shared.bytes);
    expect(await service.store.verifiesTree(multi.digest)).toBe(true);
  });

  it("should remove every name of an image and only the blobs no other image uses", async () => {
    await service.removeImage("registry.pullcheck.test/multi:again");
    expect(await service.imageStatus("registry.pullcheck.test/multi:latest")).toBeNull();
    const left = await blobFiles();
    expect(left).toEqual([v1.digest, ...v1.blobs.map((b) => b.digest)].sort());
    expect(left).toContain(shared.digest);
    await service.removeImage(v1.imageId);
    await service.removeImage("registry.pullcheck.test/absent:latest");
    expect(await blobFiles()).toEqual([]);
    expect(await service.listImages()).toEqual([]);
  });
});
