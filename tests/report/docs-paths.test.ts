/** The docs name only files that are in the repository (a moved file must take its mentions along). */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const PAGES = ["README.md", "images/README.md", "fixtures/README.md", ...readdirSync(join(ROOT, "docs")).map((f) => `docs/${f}`)].filter((p) =>
  p.endsWith(".md"),
);
// docs/ and images/ are left out: pages also cite upstream files of those names (containerd docs/hosts.md, kind images/base/Dockerfile).
const PATH = /`((?:harness|tests|scenarios|kind-config|fixtures|bin)\/[A-Za-z0-9_./*-]+)`/g;

describe("docs", () => {
  it.each(PAGES)("%s should name only paths that exist", (page) => {
    const text = readFileSync(join(ROOT, page), "utf8");
    const missing = [...text.matchAll(PATH)].map((m) => m[1]!).filter((path) => !path.includes("*") && !existsSync(join(ROOT, path.replace(/[.:]$/, ""))));
    expect(missing).toEqual([]);
  });
});
