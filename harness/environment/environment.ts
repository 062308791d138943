/**
 * The environment every scenario runs in:
 *
 *   node under test ──► Toxiproxy (TCP faults) ──► HTTP fault gate (HTTP faults, access log) ──► registry
 *
 * All on 127.0.0.1 with ports picked free at start, in one temporary directory. Started once per
 * test file and reset between tests; closed (processes stopped, directory removed) on success,
 * failure, and signals — or kept, with its whereabouts printed, when `retain` is set.
 */
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { EnvironmentError } from "../support/errors.js";
import { freePort } from "../support/free-port.js";
import { onCleanup } from "../support/cleanup.js";
import { describeFault, type FaultSpec } from "../faults/fault-spec.js";
import { HttpGate, type GateLogEntry } from "../faults/http-gate.js";
import { ToxiproxyServer } from "../faults/toxiproxy.js";
import { RegistryProcess } from "../registry/launcher/registry-process.js";
import { RegistryAdmin } from "../registry/admin/registry-admin.js";

export interface EnvironmentOptions {
  /** Folder with the `registry` and `toxiproxy-server` binaries (make setup puts them in .tools/bin). */
  toolsDir: string;
  /** Where the run's temporary directory goes (default: the OS temp dir). */
  tempRoot?: string;
  /** Keep everything running after close() and print where it is. */
  retain?: boolean;
}

export interface Environment {
  /** host:port the node under test must use for the registry (Toxiproxy's listener). */
  readonly endpoint: string;
  /** The registry itself, for administration only. */
  readonly registryUrl: string;
  readonly admin: RegistryAdmin;
  readonly faults: { apply(fault: FaultSpec): Promise<void>; heal(): Promise<void>; active(): string[] };
  /** The gate's access log since the last reset. */
  requests(): readonly GateLogEntry[];
  /** Empty registry, no users, no backups, no faults, empty log. */
  reset(): Promise<void>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function startEnvironment(options: EnvironmentOptions): Promise<Environment> {
  for (const binary of ["registry", "toxiproxy-server"]) {
    if (!existsSync(join(options.toolsDir, binary))) {
      throw new EnvironmentError(`${binary} is missing from ${options.toolsDir}`, "run `make setup`: it installs the pinned registry and Toxiproxy with go install");
    }
  }
  const root = makeRunDir(options.tempRoot ?? tmpdir());
  const removeDir = () => rmSync(root, { recursive: true, force: true });
  const unregisterDir = options.retain ? () => {} : onCleanup(removeDir);
  const storageDir = join(root, "storage");
  mkdirSync(storageDir);
  const [registryPort, gatePort, proxyPort, apiPort] = await distinctFreePorts(4);
  const registry = new RegistryProcess({ binary: join(options.toolsDir, "registry"), port: registryPort!, storageDir, configDir: root });
  const toxiproxy = new ToxiproxyServer(join(options.toolsDir, "toxiproxy-server"), apiPort!, proxyPort!, gatePort!);
  const gate = new HttpGate(registryPort!);
  const admin = new RegistryAdmin(registry, storageDir, join(root, "backups"), randomBytes(12).toString("hex"));
  const active: string[] = [];
  const stopAll = async () => {
    await toxiproxy.stop().catch(() => {});
    await gate.close().catch(() => {});
    await registry.stop().catch(() => {});
  };
  try {
    await registry.start();
    await gate.listen(gatePort!);
    await toxiproxy.start();
  } catch (error) {
    await stopAll();
    unregisterDir();
    removeDir();
    throw error;
  }

  const heal = async () => {
    gate.rules = { http: [], tamperBlobs: false };
    await toxiproxy.heal();
    active.length = 0;
  };
  let closed = false;
  const environment: Environment = {
    endpoint: `127.0.0.1:${proxyPort}`,
    registryUrl: registry.url,
    admin,
    faults: {
      async apply(fault) {
        if (fault.kind === "http") gate.rules.http.push({ status: fault.status, on: fault.on, ...(fault.retryAfterMs !== undefined ? { retryAfterMs: fault.retryAfterMs } : {}) });
        else if (fault.kind === "tamper") gate.rules.tamperBlobs = true;
        else await toxiproxy.apply(fault);
        active.push(describeFault(fault));
      },
      heal,
      active: () => [...active],
    },
    requests: () => gate.log,
    async reset() {
      await heal();
      const hadUsers = admin.hasUsers;
      admin.clear();
      admin.emptyRepositories();
      if (hadUsers) await admin.applyUsers();
      gate.log.length = 0;
    },
    async close() {
      if (closed) return;
      closed = true;
      if (options.retain) {
        console.log(
          `pullcheck: environment retained\n  endpoint (Toxiproxy): ${environment.endpoint}\n  registry: ${registry.url} (pid ${registry.pid})\n  Toxiproxy API: http://127.0.0.1:${apiPort} (pid ${toxiproxy.pid})\n  directory: ${root}`,
        );
        return;
      }
      await stopAll();
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
    throw new EnvironmentError(`cannot create the run's temporary directory under ${tempRoot}: ${(error as Error).message}`, "point TMPDIR (or tempRoot) at a writable directory");
  }
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}
