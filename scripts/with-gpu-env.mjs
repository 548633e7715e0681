#!/usr/bin/env node
// Runs a command with Vulkan pointed at a WebGPU-capable driver: the real GPU when one is
// installed, else SwiftShader (the CPU Vulkan inside Chromium). Dawn in Node reads this.
import { spawnSync } from 'node:child_process';
import { findSwiftShaderIcd, hasHardwareVulkan } from './browser.mjs';

const env = { ...process.env };
if (!env.VK_ICD_FILENAMES && !env.VK_DRIVER_FILES && !hasHardwareVulkan()) {
  const icd = findSwiftShaderIcd();
  if (icd) env.VK_ICD_FILENAMES = icd;
  else console.warn('[timestep] no GPU and no SwiftShader found: install Debian\'s chromium (apt-get install chromium libvulkan1) for GPU tests.');
}
const [cmd, ...args] = process.argv.slice(2);
const result = spawnSync(cmd, args, { stdio: 'inherit', env, shell: process.platform === 'win32' });
process.exit(result.status ?? 1);
