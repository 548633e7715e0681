// Finding a Chromium for the e2e tests and the browser bench, and SwiftShader for Dawn in Node.
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

function playwrightBrowsers() {
  const root = process.env.PLAYWRIGHT_BROWSERS_PATH || join(homedir(), '.cache', 'ms-playwright');
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((d) => d.startsWith('chromium'))
    .map((d) => join(root, d));
}

/** CHROME_PATH, then Playwright's own Chromium, then Debian's /usr/bin/chromium. */
export function findChromium() {
  const candidates = [];
  if (process.env.CHROME_PATH) candidates.push(process.env.CHROME_PATH);
  for (const dir of playwrightBrowsers()) {
    candidates.push(join(dir, 'chrome-linux', 'chrome'), join(dir, 'chrome-linux64', 'chrome'));
  }
  candidates.push('/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome');
  return candidates.find((p) => existsSync(p)) ?? null;
}

export const NO_BROWSER_HELP =
  'No Chromium found for the browser tests. Set CHROME_PATH to a Chrome/Chromium binary, or on ' +
  'Debian/Ubuntu run `sudo apt-get install chromium libvulkan1` (or `npx playwright install chromium` where downloads are allowed).';

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
