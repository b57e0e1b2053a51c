/** Values that survive a JSON round trip unchanged: what job payloads and JSONB columns hold. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
