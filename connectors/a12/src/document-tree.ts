/**
 * A12 documents are typed trees: groups (objects; repeatable groups are arrays of objects) and
 * fields. A field is addressed by a path from the root group, `/Appointment/Participants/Email`;
 * a path through a repeatable group collects the field from every repetition.
 */
export type DocumentNode = { [name: string]: unknown };

/** Every value at `path` (several when the path crosses repeatable groups); absent fields yield none. */
export function valuesAt(document: unknown, path: string): unknown[] {
  let current: unknown[] = [document];
  for (const name of path.split('/').slice(1)) {
    const next: unknown[] = [];
    for (const node of current) {
      for (const item of Array.isArray(node) ? node : [node]) {
        if (item !== null && typeof item === 'object' && !Array.isArray(item) && name in item) {
          const value = (item as DocumentNode)[name];
          if (value !== undefined && value !== null) next.push(value);
        }
      }
    }
    current = next;
  }
  return current.flatMap((value): unknown[] => (Array.isArray(value) ? (value as unknown[]) : [value]));
}

/** The single value at `path`, or undefined when absent; a repeated one is an error for the caller. */
export function valueAt(
  document: unknown,
  path: string,
): { value: unknown } | { repeated: true } | undefined {
  const values = valuesAt(document, path);
  if (values.length === 0) return undefined;
  if (values.length > 1) return { repeated: true };
  return { value: values[0] };
}
