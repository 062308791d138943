/**
 * Requests to one repository on one registry host, with containerd v2.2.0's retry rules (the
 * containerd of kindest/node:v1.35.0; core/remotes/docker/resolver.go request.do /
 * doWithRetriesInner / retryRequest):
 * - at most 6 answers per request (retryRequest stops once it has seen more than 5);
 * - 401 → the authorizer learns the challenge and the request is retried with credentials;
 * - 405 on a manifest HEAD → retried as GET;
 * - 408 and 429 → retried at once (no back-off, Retry-After is ignored);
 * - 500, 503, 504 → retried once (not when the previous answer had the same status);
 * - a transport error (refused, reset, EOF) ends the request: v2.2.0 does not retry it.
 * containerd 2.4 sends at most 5 requests and retries transient transport errors (EOF,
 * timeouts) after 50 ms; docs/simulation.md lists what else later releases change.
 * Redirects are followed (at most 10), keeping Authorization only on the same host, and only to
 * the registry host itself (redirectTarget).
 */
import { discardBody, sendRequest, type HttpResponse } from "./http-transport.js";
import type { Authorizer } from "./authorizer.js";
import type { RequestContext } from "./request-context.js";
import { RegistryError } from "./registry-error.js";
import { urlError } from "./transport-error.js";

export interface RegistryEndpoint {
  scheme: "http" | "https";
  /** host:port the requests go to. */
  authority: string;
  /** The registry host as written in image names; sent as `?ns=` when it differs (a mirror). */
  namespace: string;
  /** A host with no mapping: every request fails as a DNS lookup would. */
  unresolvable?: boolean;
}

/** retryRequest: `if len(responses) > 5 { return false }`. */
const MAX_ANSWERS = 6;

export class RegistrySession {
  constructor(
    readonly endpoint: RegistryEndpoint,
    readonly repository: string,
    private readonly authorizer: Authorizer,
  ) {}

  /** `http://host/v2/<repo>/<kind>/<object>[?ns=<name host>]`, as containerd prints it in errors. */
  url(kind: "manifests" | "blobs", object: string): string {
    const { scheme, authority, namespace } = this.endpoint;
    const ns = authority === namespace ? "" : `?ns=${encodeURIComponent(namespace)}`;
    return `${scheme}://${authority}/v2/${this.repository}/${kind}/${object}${ns}`;
  }

  /** Sends with retries; the answer may be any status. Throws RegistryError when none came. */
  async request(ctx: RequestContext, method: "HEAD" | "GET", url: string, headers: Record<string, string>): Promise<HttpResponse> {
    let current = method;
    const statuses: number[] = [];
    const methods: string[] = [];
    for (;;) {
      const response = await this.send(ctx, current, url, headers);
      statuses.push(response.status);
      methods.push(current);
      if (statuses.length >= MAX_ANSWERS) return response;
      let retry = false;
      const status = response.status;
      const previous = statuses.length > 1 ? statuses[statuses.length - 2] : undefined;
      if (status === 401) {
        try {
          retry = this.authorizer.addResponse(this.endpoint.authority, {
            challenge: response.headers["www-authenticate"],
            sameAsPrevious: methods.length > 1 && methods[methods.length - 2] === current,
            responses: statuses.length,
          });
        } catch (error) {
          discardBody(response);
          throw error;
        }
      } else if (status === 405 && current === "HEAD" && url.includes("/manifests/")) {
        current = "GET";
        retry = true;
      } else if (status === 408 || status === 429) {
        retry = true;
      } else if (status === 500 || status === 503 || status === 504) {
        retry = previous !== status;
      }
      if (!retry) return response;
      discardBody(response);
    }
  }

  /** containerd's request.do: authorize, send, follow redirects. */
  private async send(ctx: RequestContext, method: string, url: string, headers: Record<string, string>): Promise<HttpResponse> {
    let authorization: string | undefined;
    try {
      authorization = await this.authorizer.authorize(ctx, this.endpoint.authority, `repository:${this.repository}:pull`);
    } catch (error) {
      throw error instanceof RegistryError ? error.wrap("failed to authorize") : error;
    }
    let target = url;
    for (let redirects = 0; ; redirects++) {
      const sameHost = new URL(target).host === this.endpoint.authority;
      const all = { ...headers, ...(authorization && sameHost ? { authorization } : {}) };
      let response: HttpResponse;
      try {
        if (this.endpoint.unresolvable) {
          throw new RegistryError(`dial tcp: lookup ${this.endpoint.authority}: no such host`, "unreachable");
        }
        response = await sendRequest(ctx, { method, url: target, headers: all });
      } catch (error) {
        if (!(error instanceof RegistryError)) throw error;
        throw urlError(method, target, error).wrap("failed to do request");
      }
      const location = response.headers.location;
      if (response.status < 300 || response.status >= 400 || response.status === 304 || !location) return response;
      discardBody(response);
      if (redirects >= 10) {
        throw urlError(method, target, new RegistryError("stopped after 10 redirects", "serverError")).wrap("failed to do request");
      }
      target = this.redirectTarget(method, new URL(location, target));
    }
  }

  /**
   * Where a redirect may go from a simulated node. The node resolves one name, the registry host
   * (to `authority`); any other host fails as its DNS lookup would, rather than being reached
   * directly on this machine. The node speaks plain HTTP only, so an https:// Location fails as
   * Go's client fails against a plain-HTTP server.
   */
  private redirectTarget(method: string, next: URL): string {
    const { authority, namespace, scheme } = this.endpoint;
    const fail = (text: string) => urlError(method, next.toString(), new RegistryError(text, "unreachable")).wrap("failed to do request");
    if (next.host !== authority && next.host !== namespace) throw fail(`dial tcp: lookup ${next.hostname}: no such host`);
    if (next.protocol !== `${scheme}:`) throw fail("http: server gave HTTP response to HTTPS client");
    next.host = authority;
    return next.toString();
  }
}
