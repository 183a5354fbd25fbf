/**
 * Finds a Python 3 with psutil (Debian's `python3-psutil`, the original Python monitor's
 * library), installing the Debian package when it is missing and we may (root with apt-get).
 * Debian's package lives in /usr/bin/python3's dist-packages, so that interpreter comes first:
 * a `python3` earlier on PATH (pyenv, a venv) usually does not have it.
 */
import { spawnSync } from 'node:child_process';

const CANDIDATES = ['/usr/bin/python3', 'python3'];

function psutilVersion(python: string): string | null {
  const r = spawnSync(python, ['-c', 'import psutil; print(psutil.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

let found: { python: string; version: string } | undefined;

/**
 * The interpreter to run `python/psutil_poll.py` with, and its psutil version.
 * @throws Error saying how to install psutil when none is found and it cannot install it
 */
export function psutilPython(): { python: string; version: string } {
  if (found) return found;
  for (const python of CANDIDATES) {
    const version = psutilVersion(python);
    if (version) {
      found = { python, version };
      return found;
    }
  }
  const root = process.getuid?.() === 0;
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
  if (root && apt) {
    console.log('comparison: installing python3-psutil (apt-get) for the psutil comparator');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    const r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'python3-psutil'], {
      stdio: 'inherit',
      env,
    });
    const version = r.status === 0 ? psutilVersion('/usr/bin/python3') : null;
    if (version) {
      found = { python: '/usr/bin/python3', version };
      return found;
    }
  }
  throw new Error(
    'comparison: no Python 3 with psutil found (tried /usr/bin/python3, python3). Install it: ' +
      '`apt-get install python3-psutil` (Debian/Ubuntu, as root) or `python3 -m pip install psutil`',
  );
}
