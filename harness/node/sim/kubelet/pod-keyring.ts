/**
 * Which of a pod's pull secrets the kubelet uses for an image, in the order it tries them: the
 * pod's secrets make one keyring (pkg/credentialprovider/secrets/secrets.go), whose registry keys
 * are looked up against the image's repository (pkg/credentialprovider/keyring.go,
 * BasicDockerKeyring.Lookup): keys in reverse string order, so the more specific path comes
 * first, and a key's credentials in the order of the secrets. A secret for another registry is
 * not used, for the pull nor for KEP-2535's checks.
 */
import { parseReference } from "./pod-image-defaults.js";

const DEFAULT_REGISTRY_HOST = "index.docker.io";

export function secretsForImage<S extends { registry: string }>(image: string, secrets: readonly S[]): S[] {
  let repository: string;
  try {
    repository = parseReference(image).repository;
  } catch {
    return [];
  }
  const byKey = new Map<string, S[]>();
  for (const secret of secrets) {
    const key = keyringKey(secret.registry);
    if (key !== undefined) byKey.set(key, [...(byKey.get(key) ?? []), secret]);
  }
  const keys = [...byKey.keys()].sort().reverse();
  const matched = keys.filter((key) => urlsMatch(key, repository)).flatMap((key) => byKey.get(key)!);
  if (matched.length > 0) return matched;
  return isDefaultRegistryMatch(repository) ? (byKey.get(DEFAULT_REGISTRY_HOST) ?? []) : [];
}

/** BasicDockerKeyring.Add: the entry without its scheme, a /v1/ or /v2/ path prefix cut to "/". */
function keyringKey(entry: string): string | undefined {
  const url = parseUrl(entry);
  if (!url) return undefined;
  const path = /^\/v[12]\//.test(url.path) ? url.path.slice(3) : url.path;
  return path.length > 0 && path !== "/" ? url.host + path : url.host;
}

/** URLsMatch: as many host labels, each matching as a glob (filepath.Match), the same port, and the image's path under the key's. */
function urlsMatch(key: string, repository: string): boolean {
  const glob = parseUrl(key);
  const target = parseUrl(repository);
  if (!glob || !target) return false;
  const [globLabels, targetLabels] = [glob.hostname.split("."), target.hostname.split(".")];
  if (globLabels.length !== targetLabels.length) return false;
  if (!globLabels.every((label, i) => globMatch(label, targetLabels[i]!))) return false;
  return glob.port === target.port && target.path.startsWith(glob.path);
}

function parseUrl(value: string): { host: string; hostname: string; port: string; path: string } | undefined {
  const withScheme = /^https?:\/\//.test(value) ? value : `https://${value}`;
  const match = /^https?:\/\/([^/?#]*)([^?#]*)/.exec(withScheme);
  if (!match) return undefined;
  const host = match[1]!;
  const colon = host.lastIndexOf(":");
  const hasPort = colon >= 0 && !host.endsWith("]") && /^\d*$/.test(host.slice(colon + 1));
  return { host, hostname: hasPort ? host.slice(0, colon) : host, port: hasPort ? host.slice(colon + 1) : "", path: match[2]! };
}

/** Go's filepath.Match for one host label: `*`, `?` and `[…]` classes. */
function globMatch(pattern: string, label: string): boolean {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") source += "[^/]*";
    else if (c === "?") source += "[^/]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end < 0) return false; // filepath.ErrBadPattern: no match
      const body = pattern.slice(i + 1, end);
      source += `[${body.startsWith("^") ? `^${body.slice(1)}` : body}]`;
      i = end;
    } else source += c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`).test(label);
}

/** isDefaultRegistryMatch: an image of Docker Hub. */
function isDefaultRegistryMatch(repository: string): boolean {
  const [first, rest] = [repository.split("/", 1)[0]!, repository.includes("/")];
  if (first.length === 0) return false;
  if (!rest) return true;
  return first === "docker.io" || first === DEFAULT_REGISTRY_HOST || !/[.:]/.test(first);
}
