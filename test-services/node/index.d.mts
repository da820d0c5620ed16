export const NODE_VERSIONS: string[];
export function nodeDir(version: string): string;
export function nodeBin(version: string): string;
export function isInstalled(version: string): boolean;
