/**
 * The transform of the benchmark's "with transform" rows: keeps an object but for
 * `metadata.managedFields` and `metadata.annotations`, which most consumers never read and which
 * are often half of an object's JSON.
 */
export function dropManagedFieldsAndAnnotations(kv: { value: unknown }): unknown {
  const object = kv.value as { metadata?: Record<string, unknown> };
  if (object.metadata === undefined) return object;
  const { managedFields: _managedFields, annotations: _annotations, ...metadata } = object.metadata;
  return { ...object, metadata };
}
