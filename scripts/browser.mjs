// Finding a Chromium for the e2e tests and the browser bench, and SwiftShader for Dawn in Node.
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Playwright's browser cache: PLAYWRIGHT_BROWSERS_PATH, else its default on Linux and on macOS. */
function playwrightBrowsers() {
  const roots = process.env.PLAYWRIGHT_BROWSERS_PATH
    ? [process.env.PLAYWRIGHT_BROWSERS_PATH]
    : [join(homedir(), '.cache', 'ms-playwright'), join(homedir(), 'Library', 'Caches', 'ms-playwright')];
  return roots
    .filter((root) => existsSync(root))
    .flatMap((root) =>
      readdirSync(root)
        .filter((d) => d.startsWith('chromium'))
        .sort()
        .reverse() // the newest revision first
        .map((d) => join(root, d)),
    );
}

// Where `npx playwright install chromium` puts the binary, by platform and Playwright version.
const PLAYWRIGHT_CHROMES = [
  ['chrome-linux', 'chrome'],
  ['chrome-linux64', 'chrome'],
  ['chrome-mac', 'Chromium.app', 'Contents', 'MacOS', 'Chromium'],
  ['chrome-mac-arm64', 'Google Chrome for Testing.app', 'Contents', 'MacOS', 'Google Chrome for Testing'],
  ['chrome-mac-x64', 'Google Chrome for Testing.app', 'Contents', 'MacOS', 'Google Chrome for Testing'],
];

/** CHROME_PATH, then Playwright's own Chromium (Linux or macOS), then a system Chromium or Chrome. */
export function findChromium() {
  const candidates = [];
  if (process.env.CHROME_PATH) candidates.push(process.env.CHROME_PATH);
  for (const dir of playwrightBrowsers()) {
    for (const parts of PLAYWRIGHT_CHROMES) candidates.push(join(dir, ...parts));
  }
  candidates.push(
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
  );
  return candidates.find((p) => existsSync(p)) ?? null;
}

export const NO_BROWSER_HELP =
  'No Chromium found for the browser tests. Set CHROME_PATH to a Chrome/Chromium binary; or run ' +
  '`npx playwright install chromium` (macOS, Ubuntu); or on Debian `sudo apt-get install chromium libvulkan1`.';

export function findSwiftShaderIcd() {
  const candidates = ['/usr/lib/chromium/vk_swiftshader_icd.json'];
  for (const dir of playwrightBrowsers()) {
    candidates.push(join(dir, 'chrome-linux', 'vk_swiftshader_icd.json'), join(dir, 'chrome-linux64', 'vk_swiftshader_icd.json'));
  }
  return candidates.find((p) => existsSync(p)) ?? null;
}

/**
 * A GPU device node is present (NVIDIA, or a DRM render node for AMD/Intel). Mesa's Vulkan ICD
 * files alone say nothing: Debian installs them with chromium on machines without a GPU.
 */
export function hasHardwareVulkan() {
  if (existsSync('/dev/nvidiactl')) return true;
  return existsSync('/dev/dri') && readdirSync('/dev/dri').some((f) => f.startsWith('renderD'));
}

/** Flags for headless Chromium with WebGPU (SwiftShader when there is no GPU). */
export const CHROMIUM_ARGS = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-angle=swiftshader',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];
