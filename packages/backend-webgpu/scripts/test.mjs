// The package's tests: the conformance suite (and the device, leak and nn tests) on 'webgpu' in headless
// Chromium (vitest browser mode), then the conformance suite and the Node checks on Dawn (the `webgpu` dev
// dependency), with the environment Dawn's software adapters need set here (a fresh clone needs nothing else).
// Without a Chromium the run fails loudly instead of passing silently; GRAFT_SKIP_BROWSER_TESTS=1 skips the
// browser part on purpose, GRAFT_SKIP_NODE_WEBGPU=1 the Node part (each skip is printed).
// `node scripts/test.mjs --node` runs only the Node part; arguments after it go to vitest (a file, -t NAME).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const banner = '!'.repeat(78);
const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const run = (config, args = [], env = process.env) =>
  spawnSync(process.execPath, [vitest, 'run', '-c', config, ...args], { stdio: 'inherit', env }).status ?? 1;
const nodeOnly = process.argv[2] === '--node';

/**
 * The environment for Dawn in Node (test/node-gpu.ts): Dawn's OpenGL ES backend on Mesa's llvmpipe wants
 * EGL_PLATFORM=surfaceless (no display), and runs faster with LP_NUM_THREADS=1; the fallback where Mesa's EGL is missing, Vulkan on Chromium's
 * SwiftShader, wants its ICD file and, without Debian's libvulkan1, Chromium's own Vulkan loader on the
 * library path. That path is read when a process starts, so it is set here for vitest's processes; it is
 * set only without Mesa's EGL, as Chromium's folder also holds ANGLE's libEGL.so, which Dawn would load.
 */
function dawnEnv() {
  // llvmpipe on one thread: the suite's dispatches are small, and its threads only contend for 2 cores (~20 % faster).
  const env = {
    ...process.env,
    EGL_PLATFORM: process.env.EGL_PLATFORM ?? 'surfaceless',
    LP_NUM_THREADS: process.env.LP_NUM_THREADS ?? '1',
  };
  const chromiumLib = '/usr/lib/chromium';
  const icd = join(chromiumLib, 'vk_swiftshader_icd.json');
  if (env.VK_ICD_FILENAMES === undefined && existsSync(icd)) env.VK_ICD_FILENAMES = icd;
  const libDirs = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib'];
  const has = (file) => libDirs.some((dir) => existsSync(join(dir, file)));
  if (!has('libEGL_mesa.so.0') && !has('libvulkan.so.1') && existsSync(join(chromiumLib, 'libvulkan.so.1'))) {
    env.LD_LIBRARY_PATH = [env.LD_LIBRARY_PATH, chromiumLib].filter(Boolean).join(':');
  }
  return env;
}

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (nodeOnly) {
  // the Node part only (pnpm test:node)
} else if (process.env.GRAFT_SKIP_BROWSER_TESTS === '1') {
  console.error(`${banner}\n@graft/backend-webgpu: GRAFT_SKIP_BROWSER_TESTS=1: the browser tests did NOT run.\n${banner}`);
} else if (!existsSync(chromium)) {
  console.error(
    `${banner}\n@graft/backend-webgpu: NO CHROMIUM at ${chromium}: the WebGPU conformance suite did NOT run.\n` +
      `Install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH.\n${banner}`,
  );
  process.exit(1);
} else {
  const status = run('vitest.browser.config.ts');
  if (status !== 0) process.exit(status);
}

if (process.env.GRAFT_SKIP_NODE_WEBGPU === '1') {
  console.error(`${banner}\n@graft/backend-webgpu: GRAFT_SKIP_NODE_WEBGPU=1: the Node (Dawn) conformance run did NOT run.\n${banner}`);
} else {
  process.exit(run('vitest.node.config.ts', nodeOnly ? process.argv.slice(3) : [], dawnEnv()));
}
