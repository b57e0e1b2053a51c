/**
 * The narrow logger every part of the core receives. The process entrypoint creates the real one
 * (pino) and passes it down; library code never creates loggers of its own. Keeping the surface
 * this small means a level method that does not exist cannot compile.
 */
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(fields: LogFields, message: string): void;
  info(fields: LogFields, message: string): void;
  warn(fields: LogFields, message: string): void;
  error(fields: LogFields, message: string): void;
  /** A logger whose lines all carry `fields` (tenant, connector, job, room, call, ...). */
  child(fields: LogFields): Logger;
}

/** Discards everything; for tests and tools that have nothing to say. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
