/** Scenario-name globs (`--scenario 'outage/*'`): `*` stays within one path segment, `**` crosses them, `?` is one character. */
export function globMatch(glob: string, name: string): boolean {
  const pattern = glob
    .split("**")
    .map((part) =>
      part
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, "[^/]*")
        .replace(/\?/g, "."),
    )
    .join(".*");
  return new RegExp(`^${pattern}$`).test(name);
}
