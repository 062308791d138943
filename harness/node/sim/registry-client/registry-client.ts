/**
 * The pull side of an OCI distribution client, behaving like containerd 2.x's docker remote
 * (core/remotes/docker) so that a simulated node produces the requests, the failures and the
 * error texts a real node would. Error texts follow containerd 2.x; they differ between
 * containerd versions (see docs/simulation.md).
 *
 * Hosts are mapped like containerd's hosts.toml: image names keep their registry host
 * ("registry.pullcheck.test"), `hosts` says where that host really listens (plain HTTP), and
 * requests then carry `?ns=<registry host>` exactly as containerd adds it for such an endpoint.
 * An unmapped host fails as an unresolvable name, without any network access.
 */
import http from "node:http";
import type { AuthConfig } from "../cri.js";
import type { Clock } from "../../../support/clock.js";
import { Authorizer, type OnCredentialsSent } from "./authorizer.js";
import type { BlobSink } from "./blob-fetcher.js";
import { DEFAULT_PLATFORM, type Descriptor, type Platform } from "./descriptor.js";
import { parseImageReference, formatReference, type ImageReference } from "./image-reference.js";
import { pullContent, type PulledImage } from "./image-puller.js";
import { abortError, type RequestContext } from "./request-context.js";
import { RegistryError } from "./registry-error.js";
import { RegistrySession, type RegistryEndpoint } from "./registry-session.js";
import { resolveReference } from "./resolver.js";

export interface RegistryClientOptions {
  /** Registry host in image names → "127.0.0.1:5000" or "http://127.0.0.1:5000". */
  hosts: Record<string, string>;
  /** Sent on every request, e.g. "pullcheck-node/node-a". */
  userAgent: string;
  clock: Clock;
  platform?: Platform;
  /** Told when credentials go to a bearer token server on another host than the registry's. */
  onCredentialsSent?: OnCredentialsSent;
  /** The connection pool (default: the client's own, 16 connections per host, as one containerd has). */
  agent?: http.Agent;
}

export interface RequestOptions {
  signal: AbortSignal;
  /** Called whenever bytes arrive. */
  progress: () => void;
  /** Appended to the User-Agent after a space, e.g. "pod/default/probe". */
  requester?: string;
}

export type { PulledImage };

export class RegistryClient {
  private readonly agent: http.Agent;
  readonly platform: Platform;

  constructor(private readonly options: RegistryClientOptions) {
    this.platform = options.platform ?? DEFAULT_PLATFORM;
    this.agent = options.agent ?? new http.Agent({ keepAlive: true, maxSockets: 16 });
  }

  /** Resolves a reference; errors read `failed to resolve reference "<ref>": …`. */
  async resolve(reference: string, auth: AuthConfig | undefined, options: RequestOptions): Promise<Descriptor> {
    const ref = parseImageReference(reference);
    return this.resolveParsed(this.context(options), ref, this.session(ref, auth));
  }

  /** Resolves and fetches an image into `sink`. */
  async pull(reference: string, auth: AuthConfig | undefined, sink: BlobSink, options: RequestOptions): Promise<PulledImage> {
    const ref = parseImageReference(reference);
    const ctx = this.context(options);
    const session = this.session(ref, auth);
    const target = await this.resolveParsed(ctx, ref, session);
    return guard(ctx, () => pullContent(ctx, session, target, sink, this.platform));
  }

  /** Closes the client's own connections (a pool passed in is its owner's to close). */
  close(): void {
    if (!this.options.agent) this.agent.destroy();
  }

  private async resolveParsed(ctx: RequestContext, ref: ImageReference, session: RegistrySession): Promise<Descriptor> {
    const name = formatReference(ref);
    try {
      return await guard(ctx, () => resolveReference(ctx, session, name, { tag: ref.tag, digest: ref.digest }));
    } catch (error) {
      throw error instanceof RegistryError ? error.wrap(`failed to resolve reference ${JSON.stringify(name)}`) : error;
    }
  }

  private context(options: RequestOptions): RequestContext {
    const userAgent = options.requester ? `${this.options.userAgent} ${options.requester}` : this.options.userAgent;
    return { signal: options.signal, progress: options.progress, clock: this.options.clock, agent: this.agent, userAgent, requester: options.requester };
  }

  private session(ref: ImageReference, auth: AuthConfig | undefined): RegistrySession {
    return new RegistrySession(this.endpoint(ref.host), ref.repository, new Authorizer(auth, this.options.onCredentialsSent));
  }

  private endpoint(host: string): RegistryEndpoint {
    const mapped = this.options.hosts[host];
    if (mapped === undefined) {
      const scheme = /^(localhost|127\.)/.test(host) ? "http" : "https";
      return { scheme, authority: host, namespace: host, unresolvable: true };
    }
    const url = new URL(mapped.includes("://") ? mapped : `http://${mapped}`);
    return { scheme: "http", authority: url.host, namespace: host };
  }
}

/** A caller's abort (not a modelled context end) surfaces as the caller's own reason. */
async function guard<T>(ctx: RequestContext, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (ctx.signal.aborted && !(error instanceof RegistryError)) throw abortError(ctx.signal);
    throw error;
  }
}
