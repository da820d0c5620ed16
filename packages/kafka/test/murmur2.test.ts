import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { murmur2 as clientMurmur2 } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { murmur2 } from '../src/murmur2.js';

// kafkajs's port of the Java client's Utils.murmur2, an independent implementation to agree with.
const kafkajsMurmur2 = createRequire(import.meta.url)(
  'kafkajs/src/producer/partitioners/default/murmur2',
) as (key: Buffer) => number;

describe('murmur2', () => {
  it("equals kafkajs's and the client's for keys of every length, ASCII and not", () => {
    const keys = [
      Buffer.alloc(0),
      Buffer.from('user-1'),
      Buffer.from('ключ-🔑'),
      Buffer.from('ab'),
      Buffer.from('abc'),
    ];
    for (let i = 0; i < 500; i++) keys.push(randomBytes(i % 37));
    for (const key of keys) {
      expect(murmur2(key)).toBe(kafkajsMurmur2(key) | 0);
      expect(murmur2(key) & 0x7fffffff).toBe(clientMurmur2(key) & 0x7fffffff);
    }
  });
});
