export function freePort(): Promise<number>;
export function spawnPeer(
  command: string,
  args: string[],
  options: { logFile: string; env?: Record<string, string>; cwd?: string },
): Promise<number>;
export function isAlive(pid: number): boolean;
export function killGroup(pid: number, graceMs?: number): Promise<void>;
export function waitFor(
  check: () => unknown,
  options: { what: string; timeoutMs?: number; intervalMs?: number; pid?: number; logFile?: string },
): Promise<void>;
