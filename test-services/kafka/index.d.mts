/** What start() and restart() resolve: the env tests need, the pids to stop, and how to start it again. */
export interface StartedBroker {
  env: { KAFKA_BROKERS: string };
  pids: number[];
  broker: { logFile: string; dataDir: string; port: number; controllerPort: number; advertisedPort: number };
}
export const KAFKA_VERSION: string;
export const LOG4J_VERSION: string;
export function kafkaDir(): string;
export function isInstalled(): boolean;
/** Formats `dataDir` and starts a broker; `advertisedPort` is the port clients are told (a fault proxy's). */
export function start(options: {
  logFile: string;
  dataDir: string;
  port?: number;
  controllerPort?: number;
  advertisedPort?: number;
}): Promise<StartedBroker>;
/** Starts a crashed broker again on the same ports and data. */
export function restart(started: StartedBroker): Promise<StartedBroker>;
/** SIGKILL, no clean shutdown; resolves once the process is gone. */
export function crash(started: StartedBroker): Promise<void>;
export function stop(started: StartedBroker): Promise<void>;
export function createTopic(
  brokers: string,
  topic: string,
  options?: { partitions?: number; configs?: Record<string, string | number> },
): Promise<void>;
export function deleteTopic(brokers: string, topic: string): Promise<void>;
