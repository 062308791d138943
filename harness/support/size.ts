/** Sizes written as in scenario files: "64KiB", "1MiB", "512B", "2GiB" (also "KB"/"MB" as powers of 1000). */

const UNIT_BYTES: Record<string, number> = {
  B: 1,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  KB: 1000,
  MB: 1000 ** 2,
  GB: 1000 ** 3,
};

export function parseSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB|KB|MB|GB)?\s*$/.exec(text);
  if (!match) return undefined;
  const bytes = Number(match[1]) * UNIT_BYTES[match[2] ?? "B"]!;
  return Number.isFinite(bytes) ? Math.round(bytes) : undefined;
}

export function formatSize(bytes: number): string {
  for (const unit of ["GiB", "MiB", "KiB"] as const) {
    const size = UNIT_BYTES[unit]!;
    if (bytes >= size && bytes % (size / 1024) === 0) return `${trim(bytes / size)}${unit}`;
  }
  return `${bytes}B`;
}

function trim(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2).replace(/\.?0+$/, "");
}

/** Sizes for people reading a table: "1.5 GiB", "234.0 MiB". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}
