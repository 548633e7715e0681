export function findChromium(): string | null;
export function findSwiftShaderIcd(): string | null;
export function hasHardwareVulkan(): boolean;
export const NO_BROWSER_HELP: string;
export const CHROMIUM_ARGS: string[];
