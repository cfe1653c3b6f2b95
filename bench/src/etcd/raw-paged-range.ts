import etcd3 from "etcd3";

type Etcd3 = InstanceType<typeof etcd3.Etcd3>;

/**
 * The raw etcd3 peer of a paged list: the prefix read in ranges of `pageSize` keys, one after the
 * other, every page after the first at the first page's revision (what the backend does, minus its
 * read-ahead and page sizing). Hands each pair over as etcd returned it; resolves with the count.
 */
export async function rawPagedRange(
  client: Etcd3,
  prefix: string,
  pageSize: number,
  onPair: (key: Buffer, value: Buffer) => void,
): Promise<number> {
  const range = etcd3.Range.prefix(prefix);
  let start = range.start;
  let revision = 0;
  let count = 0;
  for (;;) {
    const page = await client.kv.range({
      key: start,
      range_end: range.end,
      limit: pageSize,
      revision,
      serializable: revision !== 0,
    });
    if (revision === 0) revision = Number(page.header.revision);
    for (const kv of page.kvs) onPair(kv.key, kv.value);
    count += page.kvs.length;
    const last = page.kvs[page.kvs.length - 1];
    if (!page.more || last === undefined) return count;
    start = Buffer.concat([last.key, Buffer.from([0])]);
  }
}
