/** An OCI content descriptor, as far as a pull needs one. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** The platform a simulated node runs: what containerd's platforms.DefaultSpec() is on x86-64 Linux. */
export const DEFAULT_PLATFORM: Platform = { os: "linux", architecture: "amd64" };

export const DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/;
