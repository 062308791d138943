import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { FAT_LAYER_BYTES, FIXTURE_VARIANTS, getFixture, variantOfDigest } from "../../harness/fixture-images/catalog.js";
import { entrypointElf } from "../../harness/fixture-images/entrypoint-elf.js";
import { sha256 } from "../../harness/fixture-images/image-builder.js";

// Pinned: the same bytes on every machine. A change here changes every scenario's digests.
const PINNED: Record<string, string> = {
  v1: "sha256:5fd8d8ea9458b64f83ec528f53367e786c56c69537d4b0bf70724c4619b00a39",
  v2: "sha256:4cad1fdea000786f3047b642c5073f361e288d738bf4cb64ba48350732452ff8",
  v3: "sha256:f35810943a3a9ed7f67a4beb750b489bbecf43c88224c9ff2c70fbbd3db58f92",
  fat: "sha256:3a4fa3d56866250e77d27cbf2a7cc37a1d04448f0244773938709c1bc34bffdd",
  multiarch: "sha256:bb55cb1cff1ecc4c44956eea999dbcff5f8e1a0c02f275f3d36041e16f966795",
  "v1-docker": "sha256:dc4a4983d5ade66812964085c80a6403dce7cd1edd34bbf5557f7616f06a0d8a",
};

const scratch = mkdtempSync(join(tmpdir(), "pullcheck-fixture-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("fixture catalogue", () => {
  it.each([...FIXTURE_VARIANTS])("should build %s with its pinned digest", (variant) => {
    expect(getFixture(variant).digest).toBe(PINNED[variant]);
  });

  it("should keep every blob's digest and size true to its bytes, and every manifest's references resolvable", () => {
    for (const variant of FIXTURE_VARIANTS) {
      const fixture = getFixture(variant);
      for (const blob of fixture.blobs) {
        expect(sha256(blob.bytes)).toBe(blob.digest);
        expect(blob.bytes.length).toBe(blob.size);
      }
      const manifests = fixture.children.length > 0 ? fixture.children : [{ bytes: fixture.manifest }];
      for (const manifest of manifests) {
        const parsed = JSON.parse(manifest.bytes.toString()) as { config: { digest: string }; layers: Array<{ digest: string }> };
        for (const ref of [parsed.config, ...parsed.layers]) expect(fixture.blobs.some((b) => b.digest === ref.digest)).toBe(true);
        const config = JSON.parse(fixture.blobs.find((b) => b.digest === parsed.config.digest)!.bytes.toString()) as { rootfs: { diff_ids: string[] } };
        const layers = parsed.layers.map((l) => fixture.blobs.find((b) => b.digest === l.digest)!);
        expect(config.rootfs.diff_ids).toEqual(layers.map((l) => sha256(gunzipSync(l.bytes))));
      }
    }
  });

  it("should list linux/amd64 and linux/arm64 in the multiarch index", () => {
    const index = JSON.parse(getFixture("multiarch").manifest.toString()) as { manifests: Array<{ platform: { architecture: string; os: string } }> };
    expect(index.manifests.map((m) => `${m.platform.os}/${m.platform.architecture}`)).toEqual(["linux/amd64", "linux/arm64"]);
  });

  it("should write layers the system tar reads, with an executable /pullcheck-fixture", () => {
    const layer = getFixture("v2").blobs.find((b) => b.mediaType.includes("layer"))!;
    const file = join(scratch, "layer.tar");
    writeFileSync(file, gunzipSync(layer.bytes));
    const listing = spawnSync("tar", ["-tvf", file], { encoding: "utf8" });
    expect(listing.status).toBe(0);
    expect(listing.stdout).toMatch(/^-rwxr-xr-x .* pullcheck-fixture$/m);
    expect(listing.stdout).toContain("etc/pullcheck-variant");
  });

  it("should make the fat layer 64 MiB that gzip cannot shrink", () => {
    const layer = getFixture("fat").blobs.find((b) => b.mediaType.includes("layer"))!;
    const tar = gunzipSync(layer.bytes);
    expect(tar.length).toBeGreaterThan(FAT_LAYER_BYTES);
    expect(gzipSync(tar.subarray(0, 8 * 1024 * 1024)).length).toBeGreaterThan(8 * 1024 * 1024 * 0.99);
  });

  it("should map manifest digests back to variants, platform manifests included", () => {
    expect(variantOfDigest(PINNED.v2!)).toBe("v2");
    expect(variantOfDigest(getFixture("multiarch").children[1]!.digest)).toBe("multiarch");
    expect(variantOfDigest(`sha256:${"0".repeat(64)}`)).toBeUndefined();
  });

  it("should refuse an unknown variant and name the known ones", () => {
    expect(() => getFixture("v9")).toThrow(/known variants: v1, v2, v3, fat, multiarch, v1-docker/);
  });
});

describe("entrypointElf", () => {
  it("should run here (linux/amd64), print its line and keep running", async () => {
    const file = join(scratch, "entrypoint");
    writeFileSync(file, entrypointElf("amd64", "pullcheck fixture v1\n"));
    chmodSync(file, 0o755);
    const child = spawn(file, { stdio: ["ignore", "pipe", "inherit"] });
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString()));
      child.once("error", reject);
    });
    expect(line).toBe("pullcheck fixture v1\n");
    expect(child.exitCode).toBeNull();
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
  });

  it("should build an aarch64 executable header for arm64", () => {
    const elf = entrypointElf("arm64", "x\n");
    expect(elf.subarray(0, 4).toString("latin1")).toBe("\x7fELF");
    expect(elf.readUInt16LE(18)).toBe(0xb7);
  });
});
