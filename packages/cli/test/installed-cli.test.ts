import { execFile as execFileCallback } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_PACKAGES, distIsFresh } from './run-cli.js';

/** `npm_config_nodedir` pointing at the running Node's own headers, when it has them. */
function localNodeHeaders(): Record<string, string> {
  const prefix = dirname(dirname(realpathSync(process.execPath)));
  return existsSync(join(prefix, 'include', 'node', 'node.h'))
    ? { npm_config_nodedir: prefix }
    : {};
}

const execFile = promisify(execFileCallback);
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * What a user gets from `npm i -g @net/cli`: every package the CLI needs is packed with
 * `pnpm pack` (workspace ranges become real versions) and installed with plain npm into a
 * fresh prefix, third-party dependencies from the registry. One install serves every test.
 */
describe('the packed CLI installed with npm into a fresh prefix', () => {
  let work: string;
  let bin: string;
  // Nothing from /usr/sbin (no sshd), no other node_modules: only the installed prefix.
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'net-cli-install-'));
    if (!distIsFresh()) {
      // `pnpm test` builds first; a developer running this file alone gets a build here.
      await execFile('pnpm', ['--filter', '@net/cli...', 'run', 'build'], { cwd: root });
    }
    const tarballs = join(work, 'tarballs');
    for (const name of CLI_PACKAGES) {
      await execFile('pnpm', ['pack', '--pack-destination', tarballs], {
        cwd: join(root, 'packages', name),
      });
    }
    const files = readdirSync(tarballs).map((f) => join(tarballs, f));
    expect(files).toHaveLength(CLI_PACKAGES.length);
    const prefix = join(work, 'prefix');
    await execFile(
      'npm',
      ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', ...files],
      {
        cwd: work,
        // ssh2's install script builds its optional binding with node-gyp: against the headers
        // next to this Node, when they are there, rather than headers fetched from nodejs.org.
        env: { ...process.env, npm_config_loglevel: 'error', ...localNodeHeaders() },
      },
    );
    bin = join(prefix, 'bin', 'net');
    env = {
      PATH: [join(prefix, 'bin'), dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin']
        .filter((dir) => dir !== '/usr/sbin')
        .join(':'),
      HOME: work,
      NO_COLOR: '1',
      // The demo's switch to its in-process SSH server, as on a machine without openssh-server.
      NET_TEST_SSHD: '0',
    };
  }, 300_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const net = (args: string[], timeout = 60_000) =>
    execFile(bin, args, { env, cwd: work, timeout }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (err: { code?: number; stdout?: string; stderr?: string }) => ({
        code: err.code ?? -1,
        stdout: err.stdout ?? '',
        stderr: err.stderr ?? '',
      }),
    );

  it('runs net demo without sshd and reports every step ok', async () => {
    const r = await net(['demo'], 120_000);
    expect(r.stderr).not.toMatch(/ERR_MODULE_NOT_FOUND|^\s+at /m);
    expect(r.stdout).toContain('in-process ssh2 server');
    expect(r.stdout).not.toContain('✘');
    for (const area of ['http', 'https', 'ws', 'ssh', 'sftp', 'tcp', 'udp', 'scan']) {
      expect(r.stdout).toMatch(new RegExp(`✔ ${area}\\s`));
    }
    expect(r.stdout).toMatch(/(\d+) of \1 steps ok/);
    expect(r.code).toBe(0);
  }, 150_000);

  it('prints its version and help', async () => {
    const version = await net(['--version']);
    expect(version).toMatchObject({ code: 0, stdout: '0.0.0\n' });
    const help = await net(['--help']);
    expect(help.code).toBe(0);
    for (const command of [
      'http',
      'ws',
      'ssh',
      'sftp',
      'scan',
      'tcp',
      'udp',
      'demo',
      'completion',
    ]) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
  });

  it('generates a bash completion script whose completions list the subcommands and flags', async () => {
    const script = await net(['completion', 'bash']);
    expect(script.code).toBe(0);
    expect(script.stdout).toContain('complete -F __net_complete net');
    // Drive the script as bash does on <TAB>; bash-completion's word splitter is stubbed.
    const complete = async (words: string[]) => {
      const { stdout } = await execFile(
        'bash',
        [
          '-c',
          [
            '_get_comp_words_by_ref() { cur="${COMP_WORDS[COMP_CWORD]}"; prev="${COMP_WORDS[COMP_CWORD-1]}"; words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD; }',
            'compopt() { :; }',
            'source <(net completion bash)',
            'COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ))',
            '__net_complete',
            'printf "%s\\n" "${COMPREPLY[@]}"',
          ].join('\n'),
          'bash',
          ...words,
        ],
        { env, cwd: work, timeout: 30_000 },
      );
      return stdout.split('\n').filter(Boolean);
    };
    expect(await complete(['net', ''])).toEqual(
      expect.arrayContaining(['http', 'ws', 'ssh', 'sftp', 'scan', 'tcp', 'udp', 'demo']),
    );
    expect(await complete(['net', 'http', '--js'])).toEqual(
      expect.arrayContaining(['--json', '--json-body']),
    );
    for (const shell of ['zsh', 'fish']) {
      const other = await net(['completion', shell]);
      expect(other.code).toBe(0);
      expect(other.stdout).toContain('complete');
    }
  }, 60_000);
});
