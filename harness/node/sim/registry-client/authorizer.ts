/**
 * Registry authorization for one pull, after containerd's dockerAuthorizer
 * (core/remotes/docker/authorizer.go): requests go out anonymously; a 401's challenge installs a
 * handler for that host — Basic (needs credentials: "no basic auth credentials" otherwise) or
 * Bearer (tokens fetched from the realm and cached per scope set) — and the request is retried.
 * A second bearer challenge carrying `error=` for the same request is final
 * ("server message: <error>: authorization failed").
 * containerd sends the username and password to whatever realm a challenge names, on any host;
 * so does the simulation, and it tells `onCredentialsSent` whenever that host is not the
 * registry's own, for the run's timeline.
 */
import type { AuthConfig } from "../cri.js";
import { parseAuthChallenges } from "./auth-challenge.js";
import type { RequestContext } from "./request-context.js";
import { invalidAuthorization, RegistryError } from "./registry-error.js";
import { fetchToken, type Token } from "./token-fetch.js";

type Handler =
  { scheme: "basic"; header: string } | { scheme: "bearer"; realm: string; service: string | undefined; scopes: string[]; tokens: Map<string, CachedToken> };

interface CachedToken {
  token: Promise<Token>;
  expiresAt: number | undefined;
}

/** One 401 answer, as AddResponses sees it. */
export interface Unauthorized {
  challenge: string | string[] | undefined;
  /** Whether the previous response was to the same method and URL. */
  sameAsPrevious: boolean;
  /** How many responses this request has seen so far, this one included. */
  responses: number;
}

/** Credentials that went to a token server other than the registry they were meant for. */
export interface CredentialsSentElsewhere {
  user: string;
  /** host:port of the registry whose challenge named the realm. */
  registry: string;
  /** host:port of the realm. */
  tokenServer: string;
  /** Who pulled ("pod/default/probe"), when the caller said. */
  requester: string | undefined;
}

export type OnCredentialsSent = (sent: CredentialsSentElsewhere) => void;

export class Authorizer {
  private readonly handlers = new Map<string, Handler>();

  constructor(
    private readonly credentials: AuthConfig | undefined,
    private readonly onCredentialsSent?: OnCredentialsSent,
  ) {}

  /** The Authorization header for a request to `authority`, or undefined while anonymous. */
  async authorize(ctx: RequestContext, authority: string, repositoryScope: string): Promise<string | undefined> {
    const handler = this.handlers.get(authority);
    if (!handler) return undefined;
    if (handler.scheme === "basic") return handler.header;
    const scopes = [...new Set([repositoryScope, ...handler.scopes])].sort();
    const key = scopes.join(" ");
    const cached = handler.tokens.get(key);
    if (cached && (cached.expiresAt === undefined || cached.expiresAt > ctx.clock.now())) {
      return `Bearer ${(await cached.token).token}`;
    }
    const entry: CachedToken = { token: this.fetch(ctx, authority, handler, scopes), expiresAt: undefined };
    handler.tokens.set(key, entry);
    const token = await entry.token;
    if (token.expiresInSeconds > 0) entry.expiresAt = ctx.clock.now() + token.expiresInSeconds * 1000;
    return `Bearer ${token.token}`;
  }

  /** Learns from a 401. Returns whether to retry; throws when the answer is final. */
  addResponse(authority: string, answer: Unauthorized): boolean {
    for (const challenge of parseAuthChallenges(answer.challenge)) {
      if (challenge.scheme === "bearer") {
        const serverError = challenge.parameters.error;
        if (serverError) {
          this.handlers.delete(authority);
          if (answer.responses > 1 && answer.sameAsPrevious) {
            throw invalidAuthorization(`server message: ${serverError}: authorization failed`, 401);
          }
        }
        if (this.handlers.has(authority)) return true;
        const realm = challenge.parameters.realm;
        if (!realm) throw new RegistryError("no realm specified for token auth challenge", "authDenied", { status: 401 });
        const scopes = challenge.parameters.scope ? challenge.parameters.scope.split(" ") : [];
        const service = challenge.parameters.service;
        this.handlers.set(authority, { scheme: "bearer", realm, service, scopes, tokens: new Map() });
        return true;
      }
      // CRI always passes a credentials function; without auth it yields empty strings.
      const { username, password } = this.credentials ?? { username: "", password: "" };
      if (username === "" || password === "") {
        throw invalidAuthorization("authorization failed: no basic auth credentials", 401);
      }
      const header = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
      this.handlers.set(authority, { scheme: "basic", header });
      return true;
    }
    return false;
  }

  private async fetch(ctx: RequestContext, authority: string, handler: Handler & { scheme: "bearer" }, scopes: string[]): Promise<Token> {
    const { username, password } = this.credentials ?? { username: "", password: "" };
    const tokenServer = hostOf(handler.realm);
    if (password !== "" && tokenServer !== undefined && tokenServer !== authority) {
      this.onCredentialsSent?.({ user: username, registry: authority, tokenServer, requester: ctx.requester });
    }
    return fetchToken(ctx, { realm: handler.realm, service: handler.service, scopes, username, secret: password });
  }
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}
