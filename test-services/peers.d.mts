/** The env (endpoints, ports) of a running test peer, started for this process when no run is up. */
export function usePeer(name: string): Promise<Record<string, string>>;
export function peerNames(): string[];
export const stateDir: string;
