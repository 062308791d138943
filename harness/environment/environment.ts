/**
 * The environment every scenario runs in:
 *
 *   node under test ──► Toxiproxy (TCP faults) ──► HTTP fault gate (HTTP faults, access log) ──► registry
 *
 * As processes on 127.0.0.1 with ports picked free at start (default), or as containers on a
 * Docker network (container mode, and the kind backend); one temporary directory either way.
 * Reset between tests; closed (processes or containers stopped, directory removed) on success,
 * failure, and signals — or kept, with its whereabouts printed, when `retain` is set.
 */
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { EnvironmentError } from "../support/errors.js";
import { onCleanup } from "../support/cleanup.js";
import { describeFault, faultEffect, type FaultSpec } from "../scenario/faults/index.js";
import type { GateLogEntry, GateRules } from "./gate/http-gate.js";
import { RegistryAdmin } from "./registry/registry-admin.js";
import type { EnvironmentServices } from "./environment-services.js";
import { startAsProcesses } from "./start-as-processes.js";
import { startAsContainers, type ContainerOptions } from "./start-as-containers.js";

export interface EnvironmentOptions {
  /** Folder with the `registry` and `toxiproxy-server` binaries (make setup puts them in .tools/bin). */
  toolsDir: string;
  /** Where the run's temporary directory goes (default: the OS temp dir). */
  tempRoot?: string;
  /** Keep everything running after close() and print where it is. */
  retain?: boolean;
  /** Run registry, Toxiproxy and gate as containers (container mode) instead of processes. */
  containers?: ContainerOptions;
}

export interface Environment {
  /** host:port the node under test must use for the registry (Toxiproxy's listener). */
  readonly endpoint: string;
  /** In container mode, where a node inside the Docker network reaches Toxiproxy (alias:port). */
  readonly networkEndpoint: string | undefined;
  /** The registry itself, for administration only. */
  readonly registryUrl: string;
  readonly admin: RegistryAdmin;
  readonly faults: { apply(fault: FaultSpec): Promise<void>; heal(): Promise<void>; active(): string[] };
  /** The gate's access log since the last reset. */
  requests(): readonly GateLogEntry[];
  /** Resolves once requests() holds every request the gate has answered so far. */
  flushRequests(): Promise<void>;
  /** Empty registry, no users, no backups, no faults, empty log. */
  reset(): Promise<void>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function startEnvironment(options: EnvironmentOptions): Promise<Environment> {
  const root = makeRunDir(options.tempRoot ?? tmpdir());
  // A registry killed a moment ago may still be writing into it: rmSync retries ENOTEMPTY.
  const removeDir = () => rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  const unregisterDir = options.retain ? () => {} : onCleanup(`environment folder ${root}`, removeDir);
  const storageDir = join(root, "storage");
  mkdirSync(storageDir);
  let services: EnvironmentServices;
  try {
    services = options.containers ? await startAsContainers(options.containers, root, storageDir) : await startAsProcesses(options.toolsDir, root, storageDir);
  } catch (error) {
    unregisterDir();
    removeDir();
    throw error;
  }
  const { gate, toxiproxy, registry } = services;
  const admin = new RegistryAdmin(registry, storageDir, join(root, "backups"), randomBytes(12).toString("hex"));
  const active: string[] = [];
  let rules: GateRules = { http: [], tamperBlobs: false };
  const heal = async () => {
    rules = { http: [], tamperBlobs: false };
    await gate.setRules(rules);
    await toxiproxy.heal();
    active.length = 0;
  };
  let closed = false;
  const environment: Environment = {
    endpoint: services.endpoint,
    networkEndpoint: services.networkEndpoint,
    get registryUrl() {
      return registry.url;
    },
    admin,
    faults: {
      async apply(fault) {
        const effect = faultEffect(fault);
        if (effect.by === "toxiproxy") await toxiproxy.apply(effect);
        else {
          rules =
            "tamper" in effect
              ? { ...rules, tamperBlobs: true }
              : {
                  ...rules,
                  http: [
                    ...rules.http,
                    { status: effect.status, on: effect.on, ...(effect.retryAfterMs !== undefined ? { retryAfterMs: effect.retryAfterMs } : {}) },
                  ],
                };
          await gate.setRules(rules);
        }
        active.push(describeFault(fault));
      },
      heal,
      active: () => [...active],
    },
    requests: () => gate.log,
    flushRequests: () => gate.flush(),
    async reset() {
      await heal();
      const hadUsers = admin.hasUsers;
      admin.clear();
      admin.emptyRepositories();
      if (hadUsers) await admin.applyUsers();
      await gate.flush();
      await gate.clearLog();
    },
    async close() {
      if (closed) return;
      closed = true;
      if (options.retain) {
        services.forget();
        console.log(`pullcheck: environment retained\n  endpoint (Toxiproxy): ${environment.endpoint}\n  ${services.whereabouts()}\n  directory: ${root}`);
        return;
      }
      await services.stop();
      await admin.settle();
      unregisterDir();
      removeDir();
    },
    [Symbol.asyncDispose]() {
      return environment.close();
    },
  };
  return environment;
}

function makeRunDir(tempRoot: string): string {
  try {
    mkdirSync(tempRoot, { recursive: true });
    accessSync(tempRoot, constants.W_OK);
    return mkdtempSync(join(tempRoot, "pullcheck-env-"));
  } catch (error) {
    throw new EnvironmentError(
      `cannot create the run's temporary directory under ${tempRoot}: ${(error as Error).message}`,
      "point TMPDIR (or tempRoot) at a writable directory",
    );
  }
}
