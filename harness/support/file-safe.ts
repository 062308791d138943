/** A name usable as one file name: every run of other characters becomes "_" (`outage/registry-down` → `outage_registry-down`). */
export function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, "_");
}
