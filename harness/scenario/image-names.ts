/**
 * Scenario image names are relative to the scenario's registry: `app:latest` becomes
 * `registry.pullcheck.test/app:latest` in the pod spec, `app@v1` becomes
 * `registry.pullcheck.test/app@sha256:<digest of v1>`. A name that already starts with a host
 * (or is not a name at all, e.g. `http://url`) goes into the pod spec as written.
 */

/** The registry host every pod spec names; backends map it to the environment's endpoint. */
export const REGISTRY_HOST = "registry.pullcheck.test";

const VARIANT_REF = /^([^@]+)@([A-Za-z0-9][A-Za-z0-9._-]*)$/;

export function podImage(raw: string, digestOf: (variant: string) => string): string {
  const variantRef = VARIANT_REF.exec(raw);
  const name = variantRef && !variantRef[2]!.startsWith("sha256") ? `${variantRef[1]}@${digestOf(variantRef[2]!)}` : raw;
  return hasHost(name) ? name : `${REGISTRY_HOST}/${name}`;
}

/** `repo:tag` for registry operations and the node store, with the registry host. */
export function storeName(repoAndTag: string): string {
  return hasHost(repoAndTag) ? repoAndTag : `${REGISTRY_HOST}/${repoAndTag}`;
}

function hasHost(name: string): boolean {
  if (name.includes("://")) return true;
  const slash = name.indexOf("/");
  if (slash < 0) return false;
  const first = name.slice(0, slash);
  return first.includes(".") || first.includes(":") || first === "localhost";
}

export function splitRepoTag(repoAndTag: string): { repo: string; tag: string } {
  const colon = repoAndTag.lastIndexOf(":");
  if (colon <= 0 || repoAndTag.slice(colon).includes("/")) return { repo: repoAndTag, tag: "latest" };
  return { repo: repoAndTag.slice(0, colon), tag: repoAndTag.slice(colon + 1) };
}

/** "app" of "registry.pullcheck.test/app:v1" or "registry.pullcheck.test/app@sha256:…"; undefined for other hosts. */
export function repositoryOfImage(image: string): string | undefined {
  if (!image.startsWith(`${REGISTRY_HOST}/`)) return undefined;
  return splitRepoTag(image.slice(REGISTRY_HOST.length + 1).split("@")[0]!).repo;
}
