// Where the browser tests' server listens, and the backend choice a page remembers (the GPU panel's
// switch keeps it in localStorage), shared by playwright.config.ts and the specs.

export const PORT = 4174;
export const ORIGIN = `http://localhost:${PORT}`;

/** A browser whose page remembers this backend choice. */
export function backendChoice(backend: 'cpu' | 'webgpu') {
  return { cookies: [], origins: [{ origin: ORIGIN, localStorage: [{ name: 'timestep.backend', value: backend }] }] };
}
