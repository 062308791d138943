import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseAuthChallenges } from "../../harness/node/sim/registry-client/auth-challenge.js";
import { RegistryClient } from "../../harness/node/sim/registry-client/registry-client.js";
import type { CredentialsSentElsewhere, OnCredentialsSent } from "../../harness/node/sim/registry-client/authorizer.js";
import { RegistryError } from "../../harness/node/sim/registry-client/registry-error.js";
import { RealClock } from "../../harness/support/clock.js";

describe("parseAuthChallenges", () => {
  it("should read Bearer parameters with quoted values and rank Bearer before Basic", () => {
    const header =
      'Basic realm="Registry Realm", Bearer realm="http://auth/token",service="reg",scope="repository:app:pull repository:b:pull",error="insufficient_scope"';
    expect(parseAuthChallenges(header)).toEqual([
      {
        scheme: "bearer",
        parameters: {
          realm: "http://auth/token",
          service: "reg",
          scope: "repository:app:pull repository:b:pull",
          error: "insufficient_scope",
        },
      },
      { scheme: "basic", parameters: { realm: "Registry Realm" } },
    ]);
  });

  it("should unescape quoted-pairs, accept token values and drop unknown schemes", () => {
    expect(parseAuthChallenges(['Digest realm="x"', 'Basic realm="a \\"b\\"", charset=UTF-8'])).toEqual([
      { scheme: "basic", parameters: { realm: 'a "b"', charset: "UTF-8" } },
    ]);
    expect(parseAuthChallenges(undefined)).toEqual([]);
  });
});

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  userAgent: string | undefined;
}

const DIGEST = `sha256:${"a".repeat(64)}`;

/**
 * A registry front that only answers manifest HEADs, behind Basic or Bearer auth. Its bearer
 * challenge names its own /token, or `realm()` when given (a token server on another host).
 */
function startAuthServer(mode: "basic" | "bearer", tokenPostStatus = 200, realm?: () => string) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, userAgent: req.headers["user-agent"] });
    const port = (server.address() as AddressInfo).port;
    if (req.url!.startsWith("/token")) {
      if (req.method === "POST") {
        res.writeHead(tokenPostStatus).end(JSON.stringify({ access_token: "posted" }));
        return;
      }
      const ok = req.headers.authorization === `Basic ${Buffer.from("alice:secret").toString("base64")}`;
      res.writeHead(ok ? 200 : 401, { "content-type": "application/json" }).end(ok ? JSON.stringify({ token: "got" }) : "");
      return;
    }
    const good = mode === "basic" ? `Basic ${Buffer.from("alice:secret").toString("base64")}` : undefined;
    const authorized = mode === "basic" ? req.headers.authorization === good : /^Bearer (posted|got)$/.test(req.headers.authorization ?? "");
    if (!authorized) {
      const challenge =
        mode === "basic"
          ? 'Basic realm="pullcheck"'
          : `Bearer realm="${realm?.() ?? `http://127.0.0.1:${port}/token`}",service="pullcheck",scope="repository:app:pull"`;
      res.writeHead(401, { "www-authenticate": challenge, "content-type": "application/json" }).end();
      return;
    }
    res.writeHead(200, { "docker-content-digest": DIGEST, "content-type": "application/vnd.oci.image.manifest.v1+json", "content-length": "10" }).end();
  });
  return { server, seen };
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function client(endpoint: string, onCredentialsSent?: OnCredentialsSent) {
  return new RegistryClient({ hosts: { "registry.pullcheck.test": endpoint }, userAgent: "pullcheck-node/node-a", clock: new RealClock(), onCredentialsSent });
}

const request = { signal: new AbortController().signal, progress: () => {}, requester: "pod/default/probe" };
const REF = "registry.pullcheck.test/app:latest";

async function failure(promise: Promise<unknown>): Promise<RegistryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RegistryError);
  return error as RegistryError;
}

describe("RegistryClient authorization, Basic", () => {
  const { server, seen } = startAuthServer("basic");
  let endpoint = "";
  const clients: RegistryClient[] = [];
  beforeAll(async () => (endpoint = await listen(server)));
  afterEach(() => (seen.length = 0));
  afterAll(async () => {
    clients.forEach((c) => c.close());
    await new Promise((resolve) => server.close(resolve));
  });
  const make = () => {
    const c = client(endpoint);
    clients.push(c);
    return c;
  };

  it("should go anonymous first, then send the credentials after the challenge", async () => {
    const desc = await make().resolve(REF, { username: "alice", password: "secret" }, request);
    expect(desc.digest).toBe(DIGEST);
    expect(seen.map((s) => [s.method, s.authorization === undefined ? "anonymous" : "basic"])).toEqual([
      ["HEAD", "anonymous"],
      ["HEAD", "basic"],
    ]);
    expect(seen[0]!.url).toBe("/v2/app/manifests/latest?ns=registry.pullcheck.test");
    expect(seen[0]!.userAgent).toBe("pullcheck-node/node-a pod/default/probe");
  });

  it("should fail with containerd's no-basic-auth-credentials text without credentials", async () => {
    const error = await failure(make().resolve(REF, undefined, request));
    expect(error.message).toBe(
      `failed to resolve reference "${REF}": pull access denied, repository does not exist or may require authorization: authorization failed: no basic auth credentials`,
    );
    expect(error.failureClass).toBe("authDenied");
    expect(seen).toHaveLength(1);
  });

  it("should give up with 401 Unauthorized after containerd v2.2.0's six answers with wrong credentials", async () => {
    const error = await failure(make().resolve(REF, { username: "alice", password: "wrong" }, request));
    expect(error.message).toBe(
      `failed to resolve reference "${REF}": unexpected status from HEAD request to http://${endpoint}/v2/app/manifests/latest?ns=registry.pullcheck.test: 401 Unauthorized`,
    );
    expect(error.failureClass).toBe("authDenied");
    expect(error.status).toBe(401);
    expect(seen).toHaveLength(6);
  });
});

describe("RegistryClient authorization, Bearer", () => {
  // The third names the first one's /token as its realm: a token server on another host.
  const servers = [startAuthServer("bearer"), startAuthServer("bearer", 404), startAuthServer("bearer", 200, () => `http://${endpoints[0]}/token`)];
  const endpoints: string[] = [];
  const clients: RegistryClient[] = [];
  beforeAll(async () => {
    for (const s of servers) endpoints.push(await listen(s.server));
  });
  afterEach(() => servers.forEach((s) => (s.seen.length = 0)));
  afterAll(async () => {
    clients.forEach((c) => c.close());
    await Promise.all(servers.map((s) => new Promise((resolve) => s.server.close(resolve))));
  });
  const sentElsewhere: CredentialsSentElsewhere[] = [];
  afterEach(() => (sentElsewhere.length = 0));
  const make = (i: number) => {
    const c = client(endpoints[i]!, (sent) => sentElsewhere.push(sent));
    clients.push(c);
    return c;
  };

  it("should send the password to a realm on another host, as containerd does, and say so", async () => {
    await make(2).resolve(REF, { username: "alice", password: "secret" }, request);
    expect(servers[0]!.seen.map((s) => `${s.method} ${s.url.split("?")[0]}`)).toEqual(["POST /token"]);
    expect(sentElsewhere).toEqual([{ user: "alice", registry: endpoints[2], tokenServer: endpoints[0], requester: "pod/default/probe" }]);
  });

  it("should not report a realm on the registry's own host, nor an anonymous token", async () => {
    await make(0).resolve(REF, { username: "alice", password: "secret" }, request);
    await failure(make(1).resolve(REF, undefined, request));
    expect(sentElsewhere).toEqual([]);
  });

  it("should fetch a token with the OAuth password grant and reuse it for the same scope", async () => {
    const c = make(0);
    const auth = { username: "alice", password: "secret" };
    await c.resolve(REF, auth, request);
    const seen = servers[0]!.seen;
    expect(seen.map((s) => `${s.method} ${s.url.split("?")[0]}`)).toEqual(["HEAD /v2/app/manifests/latest", "POST /token", "HEAD /v2/app/manifests/latest"]);
    expect(seen[2]!.authorization).toBe("Bearer posted");
  });

  it("should fall back to GET with basic credentials when the token endpoint refuses POST", async () => {
    await make(1).resolve(REF, { username: "alice", password: "secret" }, request);
    const seen = servers[1]!.seen;
    expect(seen.map((s) => s.method)).toEqual(["HEAD", "POST", "GET", "HEAD"]);
    expect(seen[2]!.url).toBe("/token?scope=repository%3Aapp%3Apull&service=pullcheck");
    expect(seen[3]!.authorization).toBe("Bearer got");
  });

  it("should report an anonymous token refusal like containerd", async () => {
    const error = await failure(make(1).resolve(REF, undefined, request));
    expect(error.message).toBe(
      `failed to resolve reference "${REF}": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to http://${endpoints[1]}/token?scope=repository%3Aapp%3Apull&service=pullcheck: 401 Unauthorized`,
    );
    expect(error.failureClass).toBe("authDenied");
  });

  it("should report a refused oauth token after the GET fallback", async () => {
    const error = await failure(make(1).resolve(REF, { username: "alice", password: "nope" }, request));
    expect(error.message).toMatch(/: failed to authorize: failed to fetch oauth token: unexpected status from GET request to .*: 401 Unauthorized$/);
    expect(error.failureClass).toBe("authDenied");
  });
});
