// Finds (or fetches, once) the ONNX Runtime C API headers the native build compiles against.
// Only headers are needed: the shared library itself is loaded at run time from onnxruntime-node.
// Order: $ORT_INCLUDE_DIR, a copy fetched earlier, a system install, then a fetch of Debian trixie's
// libonnxruntime-dev package (apt-get download into a private lists dir + dpkg -x). Fetched copies live in
// node_modules/.cache/native-ner, out of build/, which node-gyp's rebuild wipes.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const HEADER = 'onnxruntime_c_api.h';
const cacheDir = (root) => join(root, 'node_modules', '.cache', 'native-ner');
const hasHeader = (dir) => Boolean(dir) && existsSync(join(dir, HEADER));

export function findOrtIncludeDir(root) {
  const fromEnv = process.env.ORT_INCLUDE_DIR;
  if (fromEnv) {
    if (!hasHeader(fromEnv)) {
      throw new Error(`ORT_INCLUDE_DIR=${fromEnv} does not contain ${HEADER}; point it at the directory that does.`);
    }
    return resolve(fromEnv);
  }
  const candidates = [
    join(cacheDir(root), 'onnxruntime', 'usr', 'include', 'onnxruntime'),
    '/usr/include/onnxruntime',
    '/usr/local/include/onnxruntime',
  ];
  return candidates.find(hasHeader) ?? null;
}

function run(cmd, args) {
  execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
}

export function fetchOrtHeaders(root) {
  const work = join(cacheDir(root), 'apt');
  const dest = join(cacheDir(root), 'onnxruntime');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'parts'), { recursive: true });
  mkdirSync(join(work, 'lists', 'partial'), { recursive: true });
  writeFileSync(
    join(work, 'parts', 'trixie.sources'),
    [
      'Types: deb',
      'URIs: http://deb.debian.org/debian',
      'Suites: trixie',
      'Components: main',
      'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg',
      '',
    ].join('\n'),
  );
  // A private source list and lists dir leave the machine's own apt state untouched.
  const aptOptions = [
    '-o', 'Dir::Etc::SourceList=/dev/null',
    '-o', `Dir::Etc::SourceParts=${join(work, 'parts')}`,
    '-o', `Dir::State::Lists=${join(work, 'lists')}`,
    '-o', 'Debug::NoLocking=1',
    '-o', 'APT::Sandbox::User=root',
  ];
  console.log('native-ner: fetching ONNX Runtime C headers (Debian trixie libonnxruntime-dev)');
  try {
    run('apt-get', [...aptOptions, '-qq', 'update']);
    execFileSync('apt-get', [...aptOptions, '-qq', 'download', 'libonnxruntime-dev'], {
      cwd: work,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const deb = readdirSync(work).find((f) => f.startsWith('libonnxruntime-dev') && f.endsWith('.deb'));
    if (!deb) throw new Error('apt-get download produced no .deb');
    run('dpkg', ['-x', join(work, deb), dest]);
  } catch (err) {
    throw new Error(
      `could not fetch the ONNX Runtime headers (${err.message}). Install Debian's libonnxruntime-dev ` +
        `(trixie) or unpack onnxruntime's include/ directory anywhere and set ORT_INCLUDE_DIR to it.`,
    );
  }
  const dir = join(dest, 'usr', 'include', 'onnxruntime');
  if (!hasHeader(dir)) throw new Error(`libonnxruntime-dev did not contain ${HEADER}`);
  return dir;
}
