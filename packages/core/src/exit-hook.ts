/**
 * One `beforeExit` listener for every open DataExporter (one each would trip MaxListeners).
 * `beforeExit` fires again after the async work a listener starts, so each closable is closed once:
 * it leaves the set on its first call.
 */
interface Closable {
  close(): Promise<void>;
}

const open = new Set<Closable>();
let installed = false;

function onBeforeExit(): void {
  for (const closable of [...open]) {
    open.delete(closable);
    void closable.close();
  }
}

export function closeAtExit(closable: Closable): void {
  open.add(closable);
  if (!installed) {
    installed = true;
    process.on('beforeExit', onBeforeExit);
  }
}

export function forgetAtExit(closable: Closable): void {
  open.delete(closable);
}
