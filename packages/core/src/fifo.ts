/** A queue of events taken in chunks and handed out one by one: O(1) per event, no `Array#shift` copies. */
export class Fifo<T> {
  #chunks: T[][] = [];
  #head = 0;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  pushAll(items: T[]): void {
    if (items.length === 0) return;
    this.#chunks.push(items);
    this.#length += items.length;
  }

  shift(): T | undefined {
    const chunk = this.#chunks[0];
    if (!chunk) return undefined;
    const item = chunk[this.#head] as T;
    // Release the slot at once: a delivered event must not stay reachable until its chunk is done.
    (chunk as (T | undefined)[])[this.#head++] = undefined;
    this.#length--;
    if (this.#head === chunk.length) {
      this.#chunks.shift();
      this.#head = 0;
    }
    return item;
  }

  clear(): void {
    this.#chunks = [];
    this.#head = 0;
    this.#length = 0;
  }
}
