/**
 * WWW-Authenticate parsing (RFC 7235 challenges with token68-free auth-params), as containerd's
 * core/remotes/docker/auth/parse.go does it: several challenges per header, quoted values with
 * backslash escapes, schemes ordered Bearer before Basic. Unknown schemes are dropped.
 */

export type AuthScheme = "bearer" | "basic";

export interface AuthChallenge {
  scheme: AuthScheme;
  /** Lower-cased parameter names: realm, service, scope, error, … */
  parameters: Record<string, string>;
}

export function parseAuthChallenges(header: string | string[] | undefined): AuthChallenge[] {
  const values = header === undefined ? [] : Array.isArray(header) ? header : [header];
  const challenges = values.flatMap(parseHeaderValue);
  return challenges.sort((a, b) => rank(a.scheme) - rank(b.scheme));
}

function rank(scheme: AuthScheme): number {
  return scheme === "bearer" ? 0 : 1;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;

function parseHeaderValue(value: string): AuthChallenge[] {
  const result: AuthChallenge[] = [];
  let rest = value.trim();
  while (rest.length > 0) {
    const schemeMatch = TOKEN.exec(rest);
    if (!schemeMatch) break;
    const scheme = schemeMatch[0].toLowerCase();
    rest = rest.slice(schemeMatch[0].length).trimStart();
    const parameters: Record<string, string> = {};
    for (;;) {
      const name = TOKEN.exec(rest);
      if (!name || !rest.slice(name[0].length).trimStart().startsWith("=")) break;
      rest = rest.slice(name[0].length).trimStart().slice(1).trimStart();
      const [paramValue, remaining] = readValue(rest);
      parameters[name[0].toLowerCase()] = paramValue;
      rest = remaining.trimStart();
      if (!rest.startsWith(",")) break;
      rest = rest.slice(1).trimStart();
    }
    if (scheme === "bearer" || scheme === "basic") result.push({ scheme, parameters });
  }
  return result;
}

function readValue(text: string): [string, string] {
  if (!text.startsWith('"')) {
    const token = TOKEN.exec(text)?.[0] ?? "";
    return [token, text.slice(token.length)];
  }
  let value = "";
  for (let i = 1; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "\\" && i + 1 < text.length) {
      value += text[++i];
    } else if (ch === '"') {
      return [value, text.slice(i + 1)];
    } else {
      value += ch;
    }
  }
  return [value, ""];
}
