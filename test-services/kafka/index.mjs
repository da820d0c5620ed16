// Apache Kafka in KRaft mode, one combined broker + controller on 127.0.0.1, from Maven Central jars
// (see install.mjs). start() formats a fresh log folder, starts the JVM and waits until an idempotent
// produce is acknowledged: that is when an exporter's first export can succeed (right after a
// start, InitProducerId answers COORDINATOR_LOAD_IN_PROGRESS for a while).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { peerDir } from '../cache.mjs';
import { freePort, isAlive, killGroup, spawnPeer, waitFor } from '../lib.mjs';

export const KAFKA_VERSION = '4.1.2';
/** log4j 2's binding for slf4j 1.7, the slf4j Kafka 4.1 is built against. */
export const LOG4J_VERSION = '2.24.3';

export const kafkaDir = () => peerDir('kafka', KAFKA_VERSION);
export const isInstalled = () => existsSync(join(kafkaDir(), 'libs', `kafka_2.13-${KAFKA_VERSION}.jar`));

// The broker shares a small machine: a small heap, a serial GC, and a JIT that starts fast rather
// than peaks (C1 only: a test broker never runs long enough for C2 to pay off). Measured on the
// loaded 2-core machine, start() to first idempotent produce: 7.9 / 14.5 / 15.0 s with these flags,
// 13.3 / 17.5 / 18.8 s with the heap flags alone.
// FF_KAFKA_JVM_FLAGS replaces them (space-separated), e.g. to measure a start without them.
const JVM_FLAGS = process.env.FF_KAFKA_JVM_FLAGS?.split(' ').filter(Boolean) ?? [
  '-Xms128m',
  '-Xmx512m',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-Xshare:auto',
  '-XX:-UsePerfData',
  '-Djava.awt.headless=true',
];

function java(args, { logFile, cwd }) {
  const libs = join(kafkaDir(), 'libs', '*');
  return spawnPeer('java', [...JVM_FLAGS, '-cp', libs, ...args], { logFile, cwd });
}

/** Runs a JVM tool to completion (the storage formatter). */
async function runTool(args, options) {
  const pid = await java(args, options);
  await waitFor(() => !isAlive(pid), { what: `kafka ${args[0]}`, timeoutMs: 60_000, intervalMs: 100 });
}

function serverProperties({ dataDir, port, controllerPort, advertisedPort }) {
  const props = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.bootstrap.servers': `127.0.0.1:${controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    // A fault proxy in front of the broker sees every connection only if clients are told its port.
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${advertisedPort}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'log.dirs': join(dataDir, 'logs'),
    'auto.create.topics.enable': false,
    'num.partitions': 1,
    'group.initial.rebalance.delay.ms': 0,
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 1,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    'share.coordinator.state.topic.num.partitions': 1,
    'min.insync.replicas': 1,
    'default.replication.factor': 1,
    'num.network.threads': 2,
    'num.io.threads': 2,
    'num.recovery.threads.per.data.dir': 1,
    'background.threads': 2,
    // Short segments and no fsync: a test broker, its data thrown away.
    'log.segment.bytes': 64 * 1024 * 1024,
    'log.retention.check.interval.ms': 600_000,
  };
  return `${Object.entries(props)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}

const LOG4J2 = `status = warn
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.out.ref = out
logger.server.name = kafka.server.KafkaRaftServer
logger.server.level = info
`;

/** The client the probe and the helpers use: the exporter's own, from its package. */
function kafkaClient() {
  const require = createRequire(new URL('../../packages/kafka/package.json', import.meta.url));
  return import(require.resolve('@platformatic/kafka'));
}

/**
 * Creates `topic` (1 partition by default; `configs` are topic configs such as `max.message.bytes`)
 * and waits until every partition has a leader: a produce right after CreateTopics otherwise meets
 * UNKNOWN_TOPIC_OR_PARTITION or NOT_LEADER_OR_FOLLOWER while the metadata spreads.
 */
export async function createTopic(brokers, topic, { partitions = 1, configs = {} } = {}) {
  const { Admin } = await kafkaClient();
  const admin = new Admin({ clientId: 'ff-test-admin', bootstrapBrokers: brokers.split(','), retries: 0 });
  try {
    await admin.createTopics({
      topics: [topic],
      partitions,
      replicas: 1,
      configs: Object.entries(configs).map(([name, value]) => ({ name, value: String(value) })),
    });
    await waitFor(
      async () => {
        const metadata = await admin.metadata({ topics: [topic], forceUpdate: true });
        const found = metadata.topics.get(topic);
        return found?.partitionsCount === partitions && found.partitions.every((p) => p.leader >= 0);
      },
      { what: `topic ${topic} to have leaders`, timeoutMs: 20_000, intervalMs: 50 },
    );
  } finally {
    await admin.close();
  }
}

export async function deleteTopic(brokers, topic) {
  const { Admin } = await kafkaClient();
  const admin = new Admin({ clientId: 'ff-test-admin', bootstrapBrokers: brokers.split(','), retries: 0 });
  try {
    await admin.deleteTopics({ topics: [topic] });
  } catch {
    // already gone
  } finally {
    await admin.close();
  }
}

/** Ready when a new idempotent producer's record is acknowledged by all in-sync replicas. */
async function probe(brokers) {
  const { Producer } = await kafkaClient();
  const topic = 'ff-probe';
  await createTopic(brokers, topic).catch((err) => {
    if (!/already exists/i.test(`${err.message} ${err.errors?.map((e) => e.message).join(' ')}`)) throw err;
  });
  const producer = new Producer({
    clientId: 'ff-test-probe',
    bootstrapBrokers: brokers.split(','),
    idempotent: true,
    retries: false,
    timeout: 2_000,
  });
  try {
    await producer.send({ messages: [{ topic, value: Buffer.from('ready') }] });
    return true;
  } finally {
    await producer.close(true);
  }
}

async function launch({ logFile, dataDir, port, controllerPort, advertisedPort }) {
  const properties = join(dataDir, 'server.properties');
  const pid = await java(
    [`-Dlog4j2.configurationFile=${join(dataDir, 'log4j2.properties')}`, 'kafka.Kafka', properties],
    { logFile, cwd: dataDir },
  );
  const brokers = `127.0.0.1:${advertisedPort}`;
  await waitFor(() => probe(`127.0.0.1:${port}`), {
    what: `kafka broker on 127.0.0.1:${port}`,
    timeoutMs: 120_000,
    intervalMs: 250,
    pid,
    logFile,
  });
  return {
    env: { KAFKA_BROKERS: brokers },
    pids: [pid],
    broker: { logFile, dataDir, port, controllerPort, advertisedPort },
  };
}

/**
 * Formats `dataDir` and starts a broker on free ports (or the ones given). `advertisedPort` is the
 * port clients are told to use (a fault proxy's); default the broker's own. Resolves
 * `{ env: { KAFKA_BROKERS }, pids, port, controllerPort, advertisedPort }` once a produce succeeds.
 */
export async function start({ logFile, dataDir, port, controllerPort, advertisedPort }) {
  if (!isInstalled())
    throw new Error(`kafka ${KAFKA_VERSION} is not installed: run 'node test-services/kafka/install.mjs'`);
  mkdirSync(dataDir, { recursive: true });
  port ??= await freePort();
  controllerPort ??= await freePort();
  advertisedPort ??= port;
  const properties = join(dataDir, 'server.properties');
  writeFileSync(properties, serverProperties({ dataDir, port, controllerPort, advertisedPort }));
  writeFileSync(join(dataDir, 'log4j2.properties'), LOG4J2);
  await runTool(
    [
      `-Dlog4j2.configurationFile=${join(dataDir, 'log4j2.properties')}`,
      'kafka.tools.StorageTool',
      'format',
      '--standalone',
      '--ignore-formatted',
      '-t',
      randomBytes(16).toString('base64url'),
      '-c',
      properties,
    ],
    { logFile, cwd: dataDir },
  );
  return launch({ logFile, dataDir, port, controllerPort, advertisedPort });
}

/** Starts a broker `start()` started again, on the same ports and data (after `crash()`). */
export function restart(started) {
  return launch(started.broker);
}

/** SIGKILL: the broker dies as in a crash, no clean shutdown. Resolves once it is gone. */
export async function crash(started) {
  for (const pid of started.pids) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {}
    await waitFor(() => !isAlive(pid), {
      what: `kafka pid ${pid} to die`,
      timeoutMs: 10_000,
      intervalMs: 20,
    });
  }
}

export async function stop(started) {
  for (const pid of started.pids) await killGroup(pid);
}
