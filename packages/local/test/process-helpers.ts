import { readFileSync } from 'node:fs';

/** True while a process with this pid exists (and is not a zombie we already reaped). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // A killed child not yet reaped shows state Z; it is no longer running.
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** Polls until the process is gone; resolves false if it is still there after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !isAlive(pid);
}

/** The local IPv4 addresses that listen on `port`, read from /proc/net/tcp and tcp6 (Linux). */
export function listeningAddresses(port: number): string[] {
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  const addresses: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      const state = fields[3];
      if (!local || state !== '0A' || !local.endsWith(`:${portHex}`)) continue; // 0A = LISTEN
      addresses.push(decodeAddress(local.slice(0, local.lastIndexOf(':'))));
    }
  }
  return addresses;
}

function decodeAddress(hex: string): string {
  // IPv6-mapped IPv4 (::ffff:a.b.c.d) keeps the IPv4 part in the last 8 hex digits.
  const v4 = hex.length === 32 ? hex.slice(24) : hex;
  if (hex.length === 32 && !/^0{16}FFFF0000/i.test(hex.slice(0, 24)) && hex !== '0'.repeat(32)) {
    return `ipv6:${hex}`;
  }
  if (hex === '0'.repeat(32)) return '0.0.0.0';
  const bytes = v4.match(/../g) ?? [];
  return bytes
    .map((byte) => parseInt(byte, 16))
    .reverse()
    .join('.');
}
