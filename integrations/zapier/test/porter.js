'use strict';

// A real Porter for the tests (and for scripts/generate-catalog.js): the
// binary built from this repository, serving on a free loopback port with a
// throwaway SQLite database and data directory, an organization and an API
// key made with its own admin commands. Nothing here is mocked.

const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const repoRoot = path.resolve(__dirname, '..', '..', '..');

// Every process started here, so that an exit of any kind ends them.
const children = new Set();
const killAll = () => {
  for (const c of children) {
    try {
      c.kill('SIGKILL');
    } catch (e) {
      // already gone
    }
  }
};
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(sig, () => {
    killAll();
    process.exit(128 + os.constants.signals[sig]);
  });
}

// binary returns PORTER_BIN when set (test.sh builds it once), else builds
// cmd/porter into dir.
const binary = (dir) => {
  if (process.env.PORTER_BIN) {
    return process.env.PORTER_BIN;
  }
  const out = path.join(dir, 'porter');
  execFileSync('go', ['build', '-o', out, './cmd/porter'], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
  return out;
};

// porterEnv is the environment Porter runs with: the caller's, less any
// PORTER_* setting (a developer's PORTER_DB must not leak in), plus ours.
const porterEnv = (dir) => {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('PORTER_')) env[k] = v;
  }
  return {
    ...env,
    PORTER_DB: `sqlite:${path.join(dir, 'porter.db')}`,
    PORTER_DATA_DIR: path.join(dir, 'data'),
    PORTER_ADDR: '127.0.0.1:0',
    PORTER_ALLOW_PRIVATE_WEBHOOKS: '1', // the test's receiver is on loopback
    PORTER_RATE_LIMIT: '100000/m',
  };
};

const lastLine = (s) => s.trim().split('\n').pop().trim();

// start builds (if need be) and starts Porter; it resolves to {url, key,
// orgID, stop, logs}. stop() is safe to call more than once.
const start = async ({ timeoutMs = 30000 } = {}) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'porter-zapier-'));
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    const bin = binary(dir);
    const env = porterEnv(dir);
    const admin = (args) => execFileSync(bin, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30000 });
    const orgID = lastLine(admin(['org', 'create', '--name', 'Zapier tests']));
    const key = lastLine(admin(['key', 'create', '--org', orgID, '--name', 'Zapier']));
    if (!/^\d+$/.test(orgID) || !/^pm_/.test(key)) {
      throw new Error(`porter org/key create printed an unexpected id ${orgID} or key ${key.slice(0, 6)}…`);
    }

    const child = spawn(bin, ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let logs = '';
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`porter serve did not start within ${timeoutMs} ms:\n${logs}`)), timeoutMs);
      const onData = (chunk) => {
        logs += chunk;
        const m = /msg="porter listening" addr=(127\.0\.0\.1:\d+)/.exec(logs);
        if (m) {
          clearTimeout(timer);
          resolve(`http://${m[1]}`);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`porter serve exited (${code ?? signal}) before listening:\n${logs}`));
      });
    });
    child.stdout.removeAllListeners('data');
    child.stderr.removeAllListeners('data');
    child.stdout.on('data', (c) => (logs += c));
    child.stderr.on('data', (c) => (logs += c));

    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      children.delete(child);
      cleanup();
    };
    return { url, key, orgID: Number(orgID), stop, logs: () => logs };
  } catch (e) {
    killAll();
    cleanup();
    throw e;
  }
};

module.exports = { start, repoRoot };
