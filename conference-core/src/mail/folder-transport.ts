import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { MailSendError, type MailTransport, type OutgoingMail } from './mail-transport.js';

/** The file a message is written to: its Message-ID with everything but safe characters replaced. */
export function emlFileName(messageId: string): string {
  return `${messageId.replace(/^<|>$/g, '').replace(/[^A-Za-z0-9._@-]/g, '_')}.eml`;
}

export interface FolderTransport extends MailTransport {
  readonly directory: string;
  /** The `.eml` files, newest first. */
  list(): Promise<{ file: string; size: number; modifiedAt: Date }[]>;
}

/**
 * Embedded mode's mail server: each message becomes `<dir>/<message-id>.eml`. It is written to a
 * temporary name and renamed, so a file either is complete or does not exist; writing the same
 * message again replaces it with identical bytes (sending is idempotent by Message-ID).
 */
export function createFolderTransport(directory: string): FolderTransport {
  let made: Promise<unknown> | undefined;
  return {
    kind: 'folder',
    directory,
    async send(mail: OutgoingMail) {
      try {
        made ??= mkdir(directory, { recursive: true });
        await made;
        const target = join(directory, emlFileName(mail.messageId));
        const temporary = join(directory, `.${randomBytes(6).toString('hex')}.tmp`);
        await writeFile(temporary, mail.bytes ?? mail.raw);
        await rename(temporary, target);
      } catch (error) {
        made = undefined;
        // A full or read-only disk may recover; keep the mail and retry.
        throw new MailSendError(`writing the mail file failed: ${String(error)}`, {
          permanent: false,
          cause: error,
        });
      }
    },
    async list() {
      let names: string[];
      try {
        names = await readdir(directory);
      } catch {
        return [];
      }
      const files = await Promise.all(
        names
          .filter((name) => name.endsWith('.eml'))
          .map(async (file) => {
            const info = await stat(join(directory, file));
            return { file, size: info.size, modifiedAt: info.mtime };
          }),
      );
      return files.sort((a, b) => b.modifiedAt.getTime() - a.modifiedAt.getTime());
    },
    close: () => Promise.resolve(),
  };
}
