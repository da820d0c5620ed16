// Event i of the benchmarks against GO Feature Flag (bench/goff, bench/kafka), the same on every
// side: mirrors makeEvent in bench/goff/main.go and bench/kafka/goff/main.go, shaped as createFeatureEvent shapes events (metadata only when
// there is some; an object value's keys in Go's sorted order, so the JSON is byte-identical).
export function makeEvent(i) {
  let value;
  switch (i % 4) {
    case 0:
      value = i % 8 === 0;
      break;
    case 1:
      value = `value-${i % 100}`;
      break;
    case 2:
      value = i % 1000;
      break;
    default:
      value = { enabled: true, id: i % 50, name: `obj-${i % 50}` };
  }
  const event = {
    kind: 'feature',
    contextKind: i % 7 === 0 ? 'anonymousUser' : 'user',
    userKey: `user-${i}`,
    creationDate: 1700000000,
    key: `flag-${i % 20}`,
    variation: `v${i % 3}`,
    value,
    default: i % 50 === 0,
    version: '1',
    source: 'SERVER',
  };
  if (i % 10 === 0) event.metadata = { env: 'prod', region: 'eu-west-1' };
  return event;
}
