/**
 * The registry's config.yml and htpasswd, the same for the process and the container: filesystem
 * storage, deletes enabled, no blob descriptor cache (reset() empties repositories on disk while
 * the registry runs), htpasswd (bcrypt) auth when there are users.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import bcrypt from "bcryptjs";
import { stringify } from "yaml";

export interface RegistryLayout {
  /** Storage root as the registry sees it. */
  storageDir: string;
  /** Listen address as the registry sees it, e.g. 127.0.0.1:5000 or :5000. */
  addr: string;
  /** Folder of config.yml and htpasswd as the registry sees it. */
  configDir: string;
}

/** Writes config.yml (and htpasswd when there are users) into `hostConfigDir`; returns the config's path for the registry. */
export function writeRegistryConfig(hostConfigDir: string, layout: RegistryLayout, users: Map<string, string>): string {
  const config = {
    version: 0.1,
    log: { level: "error", accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: layout.storageDir }, delete: { enabled: true }, maintenance: { uploadpurging: { enabled: false } } },
    http: { addr: layout.addr, secret: "pullcheck-local-only" },
    ...(users.size > 0 ? { auth: { htpasswd: { realm: "pullcheck", path: join(layout.configDir, "htpasswd") } } } : {}),
  };
  writeFileSync(join(hostConfigDir, "config.yml"), stringify(config));
  if (users.size > 0) {
    const lines = [...users].map(([user, password]) => `${user}:${bcryptHash(password)}`);
    writeFileSync(join(hostConfigDir, "htpasswd"), `${lines.join("\n")}\n`);
  }
  return join(layout.configDir, "config.yml");
}

// bcrypt cost 5: the registry only checks that it is bcrypt; speed matters for tests. A password
// keeps its hash for the whole process (any valid hash will do, and hashing is slow in JS).
const hashes = new Map<string, string>();
function bcryptHash(password: string): string {
  let hash = hashes.get(password);
  if (!hash) hashes.set(password, (hash = bcrypt.hashSync(password, 5)));
  return hash;
}
