#!/usr/bin/env node
// Installs Apache Kafka's jars (Maven Central) into the shared cache, keyed by version: a throwaway
// Maven project depending on the broker (kafka_2.13), its tools (StorageTool) and a log4j 2 backend
// for its slf4j 1.7 API, copied with `mvn dependency:copy-dependencies`. Idempotent; the jars are
// copied into a staging folder renamed into place, so an interrupted install never looks ready.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { isInstalled, KAFKA_VERSION, kafkaDir, LOG4J_VERSION } from './index.mjs';

const dir = kafkaDir();
if (isInstalled()) {
  console.log(`  kafka ${KAFKA_VERSION}: cached in ${dir}`);
  process.exit(0);
}

const dependency = (groupId, artifactId, version) =>
  `<dependency><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId><version>${version}</version></dependency>`;
const pom = `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>ff-exporters</groupId><artifactId>kafka-test-peer</artifactId><version>0</version>
  <dependencies>
    ${dependency('org.apache.kafka', 'kafka_2.13', KAFKA_VERSION)}
    ${dependency('org.apache.kafka', 'kafka-tools', KAFKA_VERSION)}
    ${dependency('org.apache.logging.log4j', 'log4j-slf4j-impl', LOG4J_VERSION)}
    ${dependency('org.apache.logging.log4j', 'log4j-core', LOG4J_VERSION)}
  </dependencies>
</project>
`;

const project = mkdtempSync(join(tmpdir(), 'ff-kafka-pom-'));
const staging = `${dir}.partial-${process.pid}`;
mkdirSync(dirname(dir), { recursive: true });
rmSync(staging, { recursive: true, force: true });
writeFileSync(join(project, 'pom.xml'), pom);
console.log(`  kafka ${KAFKA_VERSION}: fetching its jars from Maven Central into ${dir}`);
const started = performance.now();
const mvn = spawnSync(
  'mvn',
  [
    '-q',
    '-B',
    'dependency:copy-dependencies',
    '-DincludeScope=runtime',
    `-DoutputDirectory=${join(staging, 'libs')}`,
  ],
  { cwd: project, stdio: 'inherit' },
);
rmSync(project, { recursive: true, force: true });
if (mvn.status !== 0) {
  rmSync(staging, { recursive: true, force: true });
  console.error(`kafka install: mvn dependency:copy-dependencies failed (exit ${mvn.status ?? mvn.signal})`);
  process.exit(1);
}
if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
renameSync(staging, dir);
if (!isInstalled()) {
  console.error(`kafka install: ${dir} holds no kafka_2.13-${KAFKA_VERSION}.jar`);
  process.exit(1);
}
console.log(`  kafka ${KAFKA_VERSION}: installed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
