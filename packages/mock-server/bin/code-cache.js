// The command's own code cache: V8's compiled code of the bundle, taken once the sandbox has answered its first
// request, and read back by later starts of the same bundle on the same Node. Node's compile cache
// (`module.enableCompileCache`, Node 22.1 and later) keeps only what V8 compiles when the module loads; most of a
// start's compiling comes later, function by function, so a start from this cache is sooner than from Node's, and
// Node 20, which has none, gains the most (the figures: bench/NOTES.md, "The command's code cache").
const diagnosticsChannel = require('node:diagnostics_channel');
const { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { tmpdir } = require('node:os');
const { dirname, join } = require('node:path');
const { debuglog } = require('node:util');
const vm = require('node:vm');
const { crc32 } = require('node:zlib');

/** Caches kept in the folder, the newest first: one per bundle, path and Node version in use, a few builds back. */
const KEPT = 8;

/** What the cache did, on stderr when `NODE_DEBUG=freshchat-sandbox`. */
const debug = debuglog('freshchat-sandbox');

/**
 * Whether the cache folder can be trusted: a folder of the user's own, writable by no one else. Code read from it runs
 * as the user, so a folder another user could write to is neither read nor written.
 *
 * @param {string} folder
 * @returns {'own' | 'missing' | 'shared'}
 */
function folderState(folder) {
  const stat = statSync(folder, { throwIfNoEntry: false });
  if (!stat) return 'missing';
  const own = process.getuid === undefined || (stat.uid === process.getuid() && (stat.mode & 0o022) === 0);
  return stat.isDirectory() && own ? 'own' : 'shared';
}

/**
 * Runs the CommonJS bundle `file` as `require` would, compiled from its code cache when one is kept for these exact
 * bytes on this Node; otherwise compiled from source, and its cache written once the process has answered its first
 * HTTP request (the functions a start runs are compiled by then). `NODE_DISABLE_COMPILE_CACHE`, Node's own switch,
 * turns it off. Every failure of the cache is silent: the bundle then runs as it would without one.
 *
 * @param {string} file the bundle's absolute path
 * @param {Buffer} bytes its content
 * @example
 * const cli = join(__dirname, '..', 'dist', 'cli.cjs');
 * runWithCodeCache(cli, readFileSync(cli));
 */
function runWithCodeCache(file, bytes) {
  const source = bytes.toString('utf8');
  if (process.env.NODE_DISABLE_COMPILE_CACHE) {
    debug('code cache: off (NODE_DISABLE_COMPILE_CACHE)');
    return runCompiled(file, compile(file, source, undefined));
  }

  const folder = join(tmpdir(), `freshchat-sandbox-code-cache-${process.getuid?.() ?? 'user'}`);
  // V8 checks the Node version and flags of a cache, and its source's length, not the source itself: the key does.
  // The path too: code read from a cache reports the path it was cached from in its stack traces. And the flags:
  // V8 rejects a cache made under others, so starts that alternate flags would otherwise rewrite one file each time.
  const flags = crc32([...process.execArgv, process.env.NODE_OPTIONS ?? ''].join('\0'));
  const key = `${process.version}-${process.arch}-${crc32(file)}-${flags}-${bytes.length}-${crc32(bytes)}`;
  const cacheFile = join(folder, `${key}.bin`);
  const state = folderState(folder);
  if (state === 'shared') {
    debug("code cache: off: %s is not this user's alone", folder);
    return runCompiled(file, compile(file, source, undefined));
  }
  let cached;
  let damaged = false;
  try {
    if (state === 'own') [cached, damaged] = unsealed(readFileSync(cacheFile));
  } catch {}
  const script = compile(file, source, cached);
  if (cached && !script.cachedDataRejected) {
    debug('code cache: read %s', cacheFile);
  } else {
    const found = damaged ? 'damaged' : cached ? 'rejected' : 'none at';
    debug('code cache: %s %s; written after the first answer', found, cacheFile);
    saveAfterFirstAnswer(script, folder, cacheFile);
  }
  runCompiled(file, script);
}

/**
 * V8's cached data behind the CRC-32 of it (4 bytes): V8 checks a cache's header, not the whole of its content, and
 * the content becomes code.
 *
 * @param {Buffer} data
 */
function sealed(data) {
  const header = Buffer.alloc(4);
  header.writeUInt32LE(crc32(data));
  return Buffer.concat([header, data]);
}

/**
 * The cached data of a sealed file, and whether it was damaged (then there is none).
 *
 * @param {Buffer} file
 * @returns {[Buffer | undefined, boolean]}
 */
function unsealed(file) {
  const data = file.subarray(4);
  return file.length > 4 && file.readUInt32LE(0) === crc32(data) ? [data, false] : [undefined, true];
}

/**
 * The bundle compiled as Node compiles a CommonJS module (wrapped in its function, its `#!` line kept as a comment so
 * that line numbers stay), from `cachedData` when given.
 *
 * @param {string} file
 * @param {string} source
 * @param {Buffer | undefined} cachedData
 */
function compile(file, source, cachedData) {
  const code = source.startsWith('#!') ? `//${source.slice(2)}` : source;
  return new vm.Script(Module.wrap(code), { filename: file, cachedData });
}

/**
 * Runs the compiled bundle with the module variables `require` gives a module.
 *
 * @param {string} file
 * @param {vm.Script} script
 */
function runCompiled(file, script) {
  const module = { exports: {}, filename: file, id: '.' };
  script.runInThisContext()(module.exports, Module.createRequire(file), module, file, dirname(file));
}

/**
 * Writes `script`'s code cache right after the first HTTP answer leaves (or at exit, if the process ends first),
 * once. A process that answers nothing (`--help`, a refused flag) writes none, so a cache always holds a start's
 * functions. Writing takes a few milliseconds, once per bundle, path and Node version.
 *
 * @param {vm.Script} script
 * @param {string} folder
 * @param {string} cacheFile
 */
function saveAfterFirstAnswer(script, folder, cacheFile) {
  const finished = 'http.server.response.finish';
  let answered = false;
  let saved = false;
  const save = () => {
    if (saved) return;
    saved = true;
    try {
      mkdirSync(folder, { recursive: true, mode: 0o700 });
      if (folderState(folder) !== 'own') return debug("code cache: not written: %s is not this user's alone", folder);
      // Written whole under another name, then renamed: a start reading it meanwhile sees the old file or the new.
      const partial = `${cacheFile}.${process.pid}`;
      writeFileSync(partial, sealed(script.createCachedData()), { mode: 0o600 });
      renameSync(partial, cacheFile);
      debug('code cache: wrote %s', cacheFile);
      const stale = readdirSync(folder)
        .map((name) => ({ name, at: statSync(join(folder, name), { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
        .sort((a, b) => b.at - a.at)
        .slice(KEPT);
      for (const { name } of stale) rmSync(join(folder, name), { force: true });
    } catch (error) {
      debug('code cache: not written: %s', error);
    }
  };
  const onAnswer = () => {
    diagnosticsChannel.unsubscribe(finished, onAnswer);
    answered = true;
    setImmediate(save).unref();
  };
  diagnosticsChannel.subscribe(finished, onAnswer);
  process.once('exit', () => {
    if (answered) save();
  });
}

module.exports = { runWithCodeCache };
