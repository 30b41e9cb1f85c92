import { spawn } from 'node:child_process';
import { timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync, type Stats } from 'node:fs';
import * as fsp from 'node:fs/promises';
import {
  connect as tcpConnect,
  type AddressInfo,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { isAbsolute, join, normalize } from 'node:path';
import ssh2, { type Connection, type ServerChannel, type SFTPWrapper } from 'ssh2';
import { generateKeyPair, type TestKeyPair } from './ssh-keys.js';

const { Server, utils } = ssh2;
const { STATUS_CODE, OPEN_MODE } = utils.sftp;

/** Options of {@link startInProcessSshServer}. */
export interface InProcessSshServerOptions {
  /** The password the server accepts for `username`. @default 'test-password' */
  password?: string;
  /**
   * Serves each SFTP session instead of the local file system (e.g. a hostile server from
   * `hostileSftp()`). @default the local file system, relative paths in `root`
   */
  sftp?: (sftp: SFTPWrapper) => void;
  /** Accept exec requests. @default true */
  exec?: boolean;
}

/**
 * An SSH server inside the test process (ssh2's Server): password and public-key login, exec
 * (through `sh -c`, cwd = `root`), SFTP on the local file system (relative paths start in
 * `root`, a temporary folder: tests work there), and direct-tcpip forwarding to loopback only. Used where OpenSSH's sshd is not installed, and
 * for password authentication, which the test sshd does not offer (it would need a system
 * password for the user, root here).
 */
export interface InProcessSshServer {
  host: '127.0.0.1';
  port: number;
  username: string;
  password: string;
  /** A temporary folder: the working directory of exec and of relative SFTP paths. */
  root: string;
  hostKey: TestKeyPair;
  clientKey: TestKeyPair;
  knownHostsLine: string;
  /** Authentication attempts seen, as `method:accepted|rejected`. */
  authAttempts: string[];
  /** Drops every connection without a goodbye (as a crashing server would) and stops listening. */
  kill(): Promise<void>;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** `last`: the latest operation on a file handle; a CLOSE waits for it (requests on one handle are answered in order). */
type Handle =
  | { kind: 'file'; fd: fsp.FileHandle; last?: Promise<unknown> }
  | { kind: 'dir'; path: string; done: boolean };

function statusFor(err: unknown): number {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return STATUS_CODE.NO_SUCH_FILE;
    case 'EACCES':
    case 'EPERM':
      return STATUS_CODE.PERMISSION_DENIED;
    default:
      return STATUS_CODE.FAILURE;
  }
}

function toAttrs(stats: Stats) {
  return {
    mode: stats.mode,
    uid: stats.uid,
    gid: stats.gid,
    size: stats.size,
    atime: Math.floor(stats.atimeMs / 1000),
    mtime: Math.floor(stats.mtimeMs / 1000),
  };
}

function longname(name: string, stats: Stats): string {
  const type = stats.isDirectory() ? 'd' : stats.isSymbolicLink() ? 'l' : '-';
  return `${type}rw-r--r-- 1 ${stats.uid} ${stats.gid} ${stats.size} Jan 1 00:00 ${name}`;
}

/**
 * Serves SFTP requests on `sftp` with the process's own file system, like sshd does, so that
 * exec (`sha256sum`) and SFTP see the same paths; relative paths start at `root`.
 */
function serveSftp(sftp: SFTPWrapper, root: string): void {
  const handles = new Map<number, Handle>();
  let nextHandle = 1;
  const local = (path: string) => (isAbsolute(path) ? normalize(path) : join(root, path));
  const remote = (path: string) => path;
  const newHandle = (h: Handle) => {
    const id = nextHandle++;
    handles.set(id, h);
    const buf = Buffer.alloc(4);
    buf.writeUInt32BE(id);
    return buf;
  };
  const get = (buf: Buffer) => (buf.length === 4 ? handles.get(buf.readUInt32BE(0)) : undefined);
  const fail = (reqid: number) => (err: unknown) => sftp.status(reqid, statusFor(err));
  const ok = (reqid: number) => () => sftp.status(reqid, STATUS_CODE.OK);

  sftp.on('OPEN', (reqid, filename, flags, attrs) => {
    let mode = 'r';
    if (flags & OPEN_MODE.WRITE)
      mode = flags & OPEN_MODE.TRUNC ? 'w' : flags & OPEN_MODE.APPEND ? 'a' : 'r+';
    if (flags & OPEN_MODE.EXCL) mode = 'wx';
    fsp
      .open(local(filename), mode, attrs.mode ?? 0o644)
      .then((fd) => sftp.handle(reqid, newHandle({ kind: 'file', fd })), fail(reqid));
  });
  sftp.on('READ', (reqid, handle, offset, length) => {
    const h = get(handle);
    if (h?.kind !== 'file') return sftp.status(reqid, STATUS_CODE.FAILURE);
    const buf = Buffer.alloc(length);
    h.last = h.fd.read(buf, 0, length, offset).then(({ bytesRead }) => {
      if (bytesRead === 0) sftp.status(reqid, STATUS_CODE.EOF);
      else sftp.data(reqid, buf.subarray(0, bytesRead));
    }, fail(reqid));
  });
  sftp.on('WRITE', (reqid, handle, offset, data) => {
    const h = get(handle);
    if (h?.kind !== 'file') return sftp.status(reqid, STATUS_CODE.FAILURE);
    h.last = h.fd.write(data, 0, data.length, offset).then(ok(reqid), fail(reqid));
  });
  sftp.on('FSTAT', (reqid, handle) => {
    const h = get(handle);
    if (h?.kind !== 'file') return sftp.status(reqid, STATUS_CODE.FAILURE);
    h.last = (h.last ?? Promise.resolve()).then(() =>
      h.fd.stat().then((s) => sftp.attrs(reqid, toAttrs(s)), fail(reqid)),
    );
  });
  sftp.on('CLOSE', (reqid, handle) => {
    const h = get(handle);
    if (!h) return sftp.status(reqid, STATUS_CODE.FAILURE);
    handles.delete(handle.readUInt32BE(0));
    if (h.kind === 'file')
      void (h.last ?? Promise.resolve()).then(() => h.fd.close()).then(ok(reqid), fail(reqid));
    else sftp.status(reqid, STATUS_CODE.OK);
  });
  sftp.on('OPENDIR', (reqid, path) => {
    fsp.stat(local(path)).then((s) => {
      if (!s.isDirectory()) return sftp.status(reqid, STATUS_CODE.FAILURE);
      sftp.handle(reqid, newHandle({ kind: 'dir', path: local(path), done: false }));
    }, fail(reqid));
  });
  sftp.on('READDIR', (reqid, handle) => {
    const h = get(handle);
    if (h?.kind !== 'dir') return sftp.status(reqid, STATUS_CODE.FAILURE);
    if (h.done) return sftp.status(reqid, STATUS_CODE.EOF);
    h.done = true;
    fsp.readdir(h.path).then(async (names) => {
      const entries = await Promise.all(
        names.map(async (name) => {
          const s = await fsp.lstat(join(h.path, name));
          return { filename: name, longname: longname(name, s), attrs: toAttrs(s) };
        }),
      );
      if (entries.length === 0) sftp.status(reqid, STATUS_CODE.EOF);
      else sftp.name(reqid, entries);
    }, fail(reqid));
  });
  sftp.on(
    'STAT',
    (reqid, path) =>
      void fsp.stat(local(path)).then((s) => sftp.attrs(reqid, toAttrs(s)), fail(reqid)),
  );
  sftp.on(
    'LSTAT',
    (reqid, path) =>
      void fsp.lstat(local(path)).then((s) => sftp.attrs(reqid, toAttrs(s)), fail(reqid)),
  );
  sftp.on(
    'MKDIR',
    (reqid, path, attrs) =>
      void fsp.mkdir(local(path), { mode: attrs.mode ?? 0o755 }).then(ok(reqid), fail(reqid)),
  );
  sftp.on('RMDIR', (reqid, path) => void fsp.rmdir(local(path)).then(ok(reqid), fail(reqid)));
  sftp.on('REMOVE', (reqid, path) => void fsp.unlink(local(path)).then(ok(reqid), fail(reqid)));
  sftp.on('RENAME', (reqid, from, to) => {
    // SFTP v3 rename must not overwrite.
    fsp.lstat(local(to)).then(
      () => sftp.status(reqid, STATUS_CODE.FAILURE),
      () => fsp.rename(local(from), local(to)).then(ok(reqid), fail(reqid)),
    );
  });
  sftp.on('SETSTAT', (reqid, path, attrs) => {
    const work = attrs.mode === undefined ? Promise.resolve() : fsp.chmod(local(path), attrs.mode);
    work.then(ok(reqid), fail(reqid));
  });
  sftp.on('FSETSTAT', (reqid, handle, attrs) => {
    const h = get(handle);
    if (h?.kind !== 'file') return sftp.status(reqid, STATUS_CODE.FAILURE);
    const work = attrs.mode === undefined ? Promise.resolve() : h.fd.chmod(attrs.mode);
    h.last = work.then(ok(reqid), fail(reqid));
  });
  sftp.on('REALPATH', (reqid, path) => {
    const resolved = remote(local(path));
    sftp.name(reqid, [{ filename: resolved, longname: resolved, attrs: {} as never }]);
  });
  sftp.on('READLINK', (reqid, path) => {
    fsp
      .readlink(local(path))
      .then(
        (target) => sftp.name(reqid, [{ filename: target, longname: target, attrs: {} as never }]),
        fail(reqid),
      );
  });
  sftp.on(
    'SYMLINK',
    (reqid, linkPath, targetPath) =>
      void fsp.symlink(targetPath, local(linkPath)).then(ok(reqid), fail(reqid)),
  );
  sftp.on('end', () => {
    for (const h of handles.values())
      if (h.kind === 'file') void h.fd.close().catch(() => undefined);
    handles.clear();
  });
}

/** Runs `sh -c command` in `root` for an exec request, relaying stdio, exit status and signals. */
function serveExec(
  channel: ServerChannel,
  command: string,
  root: string,
  env: Record<string, string>,
): void {
  const child = spawn('sh', ['-c', command], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: 'pipe',
    detached: true,
  });
  child.stdout.pipe(channel, { end: false });
  child.stderr.pipe(channel.stderr, { end: false });
  channel.pipe(child.stdin);
  child.stdin.on('error', () => undefined);
  channel.on('signal', (info: { name: string }) => {
    try {
      process.kill(-child.pid!, `SIG${info.name}` as NodeJS.Signals);
    } catch {
      // Already gone.
    }
  });
  channel.on('close', () => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid!, 'SIGHUP');
      } catch {
        // Already gone.
      }
    }
  });
  child.on('close', (code, signal) => {
    if (signal) channel.exit(signal.replace(/^SIG/, ''), false, '');
    else channel.exit(code ?? 0);
    channel.end();
  });
}

/** Starts the in-process server on a free 127.0.0.1 port. Use with `await using`. */
export async function startInProcessSshServer(
  options: InProcessSshServerOptions = {},
): Promise<InProcessSshServer> {
  const dir = mkdtempSync(join(tmpdir(), 'net-ssh2-server-'));
  const root = join(dir, 'root');
  await fsp.mkdir(root);
  const hostKey = generateKeyPair(dir, 'host_ed25519');
  const clientKey = generateKeyPair(dir, 'client_ed25519');
  const allowed = utils.parseKey(clientKey.publicKey);
  if (allowed instanceof Error) throw allowed;
  const allowedKey = Array.isArray(allowed) ? allowed[0]! : allowed;
  const username = userInfo().username;
  const password = options.password ?? 'test-password';
  const authAttempts: string[] = [];
  const sockets = new Set<Connection>();

  const equal = (a: string, b: string) =>
    a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
  const server = new Server({ hostKeys: [hostKey.privateKey] }, (client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      let accepted = false;
      if (ctx.username === username && ctx.method === 'password')
        accepted = equal(ctx.password, password);
      if (ctx.username === username && ctx.method === 'publickey') {
        const sameKey =
          ctx.key.algo === allowedKey.type && ctx.key.data.equals(allowedKey.getPublicSSH());
        if (sameKey && !ctx.signature) {
          authAttempts.push('publickey:probe');
          return ctx.accept();
        }
        accepted =
          sameKey &&
          ctx.signature !== undefined &&
          allowedKey.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) === true;
      }
      authAttempts.push(`${ctx.method}:${accepted ? 'accepted' : 'rejected'}`);
      if (accepted) ctx.accept();
      else ctx.reject(['password', 'publickey']);
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        const env: Record<string, string> = {};
        session.on('env', (acceptEnv, _reject, info) => {
          env[info.key] = info.val;
          acceptEnv?.();
        });
        session.on('exec', (acceptExec, rejectExec, info) =>
          options.exec === false ? rejectExec() : serveExec(acceptExec(), info.command, root, env),
        );
        session.on('sftp', (acceptSftp) =>
          options.sftp ? options.sftp(acceptSftp()) : serveSftp(acceptSftp(), root),
        );
      });
      client.on('tcpip', (acceptTcp, reject, info) => {
        // Loopback only: the rule for every test server here.
        if (!/^(127\.|::1$|localhost$)/.test(info.destIP)) return reject();
        const upstream: Socket = tcpConnect({ host: info.destIP, port: info.destPort });
        upstream.once('connect', () => {
          const channel = acceptTcp();
          upstream.pipe(channel).pipe(upstream);
          channel.on('close', () => upstream.destroy());
          upstream.on('close', () => channel.close());
        });
        upstream.once('error', () => reject());
      });
    });
  });
  const rawSockets = new Set<Socket>();
  (server as unknown as { _srv: NetServer })._srv.on('connection', (socket) => {
    rawSockets.add(socket);
    socket.on('close', () => rawSockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;
  const close = () => (closed ??= new Promise<void>((resolve) => server.close(() => resolve())));
  const kill = async (): Promise<void> => {
    // ssh2's Server keeps its net.Server (and so the raw sockets) private; a test server may
    // reach it to simulate a crash.
    for (const socket of rawSockets) socket.destroy();
    await close();
  };
  const stop = async (): Promise<void> => {
    for (const client of sockets) client.end();
    for (const socket of rawSockets) socket.destroy();
    await close();
    rmSync(dir, { recursive: true, force: true });
  };
  console.info(`NOTICE: using the in-process ssh2 test server on 127.0.0.1:${port} (not OpenSSH)`);
  return {
    host: '127.0.0.1',
    port,
    username,
    password,
    root,
    hostKey,
    clientKey,
    knownHostsLine: `[127.0.0.1]:${port} ${hostKey.publicKey.split(' ').slice(0, 2).join(' ')}`,
    authAttempts,
    kill,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
