/**
 * Fetching a bearer token from a challenge's realm, as containerd's docker authorizer does
 * (core/remotes/docker/authorizer.go doBearerAuth, auth/fetch.go): with credentials, the OAuth2
 * password grant by POST first, falling back to GET with basic auth when the token server
 * answers 400/401/404 (or 405 with a username); without credentials, an anonymous GET.
 */
import { readBody, sendRequest, discardBody, type HttpResponse } from "./http-transport.js";
import type { RequestContext } from "./request-context.js";
import { RegistryError, unexpectedStatus } from "./registry-error.js";
import { urlError } from "./transport-error.js";

export interface TokenRequest {
  realm: string;
  service: string | undefined;
  scopes: string[];
  username: string;
  secret: string;
}

export interface Token {
  token: string;
  expiresInSeconds: number;
}

export async function fetchToken(ctx: RequestContext, request: TokenRequest): Promise<Token> {
  if (request.secret === "") {
    return wrapped("failed to fetch anonymous token", () => fetchByGet(ctx, request));
  }
  return wrapped("failed to fetch oauth token", async () => {
    try {
      return await fetchByPost(ctx, request);
    } catch (error) {
      const status = error instanceof RegistryError ? error.status : undefined;
      const fallback = status === 400 || status === 401 || status === 404 || (status === 405 && request.username !== "");
      if (!fallback) throw error;
      return fetchByGet(ctx, request);
    }
  });
}

async function wrapped(context: string, fetch: () => Promise<Token>): Promise<Token> {
  try {
    return await fetch();
  } catch (error) {
    throw error instanceof RegistryError ? error.wrap(context) : error;
  }
}

async function fetchByPost(ctx: RequestContext, request: TokenRequest): Promise<Token> {
  const form = new URLSearchParams();
  if (request.scopes.length > 0) form.set("scope", request.scopes.join(" "));
  form.set("service", request.service ?? "");
  form.set("client_id", "containerd-client");
  form.set("grant_type", "password");
  form.set("username", request.username);
  form.set("password", request.secret);
  const headers = { "content-type": "application/x-www-form-urlencoded; charset=utf-8" };
  const response = await send(ctx, "POST", request.realm, headers, Buffer.from(form.toString()));
  const body = await readTokenBody(ctx, response);
  return tokenFrom(body.access_token, body.expires_in);
}

async function fetchByGet(ctx: RequestContext, request: TokenRequest): Promise<Token> {
  const url = new URL(request.realm);
  if (request.service) url.searchParams.append("service", request.service);
  for (const scope of request.scopes) url.searchParams.append("scope", scope);
  url.searchParams.sort(); // Go's url.Values.Encode sorts by key
  const headers: Record<string, string> = {};
  if (request.secret !== "") {
    headers.authorization = `Basic ${Buffer.from(`${request.username}:${request.secret}`).toString("base64")}`;
  }
  const response = await send(ctx, "GET", url.toString(), headers);
  const body = await readTokenBody(ctx, response);
  return tokenFrom(body.access_token || body.token, body.expires_in);
}

async function send(ctx: RequestContext, method: string, url: string, headers: Record<string, string>, body?: Buffer): Promise<HttpResponse> {
  let response: HttpResponse;
  try {
    response = await sendRequest(ctx, { method, url, headers, body });
  } catch (error) {
    throw error instanceof RegistryError ? urlError(method, url, error) : error;
  }
  if (response.status < 200 || response.status >= 400) {
    discardBody(response);
    throw unexpectedStatus(method, url, response.status, response.statusText);
  }
  return response;
}

/** containerd decodes the token response however long it is; pullcheck reads at most 1 MiB of it. */
const MAX_TOKEN_RESPONSE_BYTES = 1024 * 1024;

interface TokenBody {
  token?: string;
  access_token?: string;
  expires_in?: number;
}

async function readTokenBody(ctx: RequestContext, response: HttpResponse): Promise<TokenBody> {
  const body = await readBody(ctx, response, MAX_TOKEN_RESPONSE_BYTES);
  if (body === undefined) throw new RegistryError(`unable to decode token response: longer than ${MAX_TOKEN_RESPONSE_BYTES} bytes`, "serverError");
  const text = body.toString("utf8");
  try {
    return JSON.parse(text) as TokenBody;
  } catch (error) {
    throw new RegistryError(`unable to decode token response: ${(error as Error).message}`, "serverError", { cause: error });
  }
}

function tokenFrom(token: string | undefined, expiresIn: number | undefined): Token {
  if (!token) throw new RegistryError("authorization server did not include a token in the response", "serverError");
  return { token, expiresInSeconds: typeof expiresIn === "number" ? expiresIn : 0 };
}
