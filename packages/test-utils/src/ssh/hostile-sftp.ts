import ssh2, { type SFTPWrapper } from 'ssh2';

const { STATUS_CODE } = ssh2.utils.sftp;

/** One entry a hostile server lists. */
export interface HostileEntry {
  /** Sent as is: `..`, `../x`, `/etc/passwd`, `a/b`, names with NUL … */
  name: string;
  type: 'file' | 'directory' | 'symlink';
}

/** A made-up tree: what each directory path lists, and what REALPATH answers for a path. */
export interface HostileTree {
  /** Directory path (as the client asks for it) → its listing. Unlisted directories are empty. */
  listings: Record<string, HostileEntry[]>;
  /** REALPATH answers (e.g. a symlink's target outside the tree); default: the path itself. */
  realpaths?: Record<string, string>;
  /** Content served for any file opened for reading. @default 'planted by a hostile server\n' */
  content?: string;
  /** Every path the client asked about, in order (to assert what it touched). */
  requests?: string[];
}

const MODE = { file: 0o100644, directory: 0o040755, symlink: 0o120777 } as const;

function attrs(type: HostileEntry['type'], size = 0) {
  return { mode: MODE[type], uid: 0, gid: 0, size, atime: 0, mtime: 0 };
}

/**
 * An SFTP session handler (for `startInProcessSshServer({ sftp })`) that lies: its listings
 * hold names with `..`, `/`, absolute paths or symlinks out of the tree, and it serves file
 * content for whatever path it is asked. For tests of what a client does with such names.
 */
export function hostileSftp(tree: HostileTree): (sftp: SFTPWrapper) => void {
  const content = Buffer.from(tree.content ?? 'planted by a hostile server\n');
  return (sftp) => {
    const handles = new Map<number, { path: string; dir: boolean; done: boolean }>();
    let next = 1;
    const handle = (path: string, dir: boolean) => {
      const id = next++;
      handles.set(id, { path, dir, done: false });
      const buf = Buffer.alloc(4);
      buf.writeUInt32BE(id);
      return buf;
    };
    const get = (buf: Buffer) => (buf.length === 4 ? handles.get(buf.readUInt32BE(0)) : undefined);
    const typeOf = (path: string): HostileEntry['type'] => {
      if (path in tree.listings) return 'directory';
      const slash = path.lastIndexOf('/');
      const parent = tree.listings[path.slice(0, slash)] ?? [];
      return parent.find((e) => e.name === path.slice(slash + 1))?.type ?? 'file';
    };
    const note = (path: string) => tree.requests?.push(path);
    sftp.on('OPENDIR', (reqid, path) => {
      note(path);
      sftp.handle(reqid, handle(path, true));
    });
    sftp.on('READDIR', (reqid, buf) => {
      const h = get(buf);
      if (!h || h.done) return sftp.status(reqid, STATUS_CODE.EOF);
      h.done = true;
      const entries = tree.listings[h.path] ?? [];
      if (entries.length === 0) return sftp.status(reqid, STATUS_CODE.EOF);
      sftp.name(
        reqid,
        entries.map((e) => ({
          filename: e.name,
          longname: e.name,
          attrs: attrs(e.type, e.type === 'file' ? content.length : 0),
        })),
      );
    });
    sftp.on('OPEN', (reqid, path) => {
      note(path);
      sftp.handle(reqid, handle(path, false));
    });
    sftp.on('READ', (reqid, _buf, offset, length) => {
      if (offset >= content.length) return sftp.status(reqid, STATUS_CODE.EOF);
      sftp.data(reqid, content.subarray(offset, offset + length));
    });
    sftp.on('FSTAT', (reqid) => sftp.attrs(reqid, attrs('file', content.length)));
    sftp.on('CLOSE', (reqid, buf) => {
      if (buf.length === 4) handles.delete(buf.readUInt32BE(0));
      sftp.status(reqid, STATUS_CODE.OK);
    });
    for (const event of ['STAT', 'LSTAT'] as const) {
      sftp.on(event, (reqid: number, path: string) => {
        note(path);
        const type = typeOf(path);
        sftp.attrs(
          reqid,
          attrs(event === 'STAT' && type === 'symlink' ? 'file' : type, content.length),
        );
      });
    }
    sftp.on('REALPATH', (reqid, path) => {
      note(path);
      const answer = tree.realpaths?.[path] ?? path;
      sftp.name(reqid, [{ filename: answer, longname: answer, attrs: {} as never }]);
    });
    for (const event of [
      'WRITE',
      'MKDIR',
      'RMDIR',
      'REMOVE',
      'RENAME',
      'SETSTAT',
      'FSETSTAT',
    ] as const)
      sftp.on(event, (reqid: number) => sftp.status(reqid, STATUS_CODE.PERMISSION_DENIED));
  };
}
