/**
 * An array-backed FIFO whose `shift` is O(1): it advances a head index and only re-packs the
 * array once the consumed part dominates, so a long-lived watch or log never pays `Array#shift`.
 */
export class FifoQueue<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head++;
    this.repack();
    return item;
  }

  /** The item `index` places behind the head. */
  at(index: number): T | undefined {
    return index < 0 || index >= this.length ? undefined : this.items[this.head + index];
  }

  dropFront(count: number): void {
    const end = Math.min(this.items.length, this.head + Math.max(0, count));
    for (let i = this.head; i < end; i++) this.items[i] = undefined;
    this.head = end;
    this.repack();
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }

  private repack(): void {
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
