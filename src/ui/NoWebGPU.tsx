import { NO_WEBGPU_HELP } from '../gpu/errors';

/** What a browser without WebGPU shows instead of a blank page or a stack trace. */
export function NoWebGPU() {
  return (
    <main className="no-webgpu" data-testid="no-webgpu">
      <h1>Timestep needs WebGPU</h1>
      <p>{NO_WEBGPU_HELP}</p>
      <table className="kv">
        <thead>
          <tr>
            <th>Browser</th>
            <th>WebGPU</th>
          </tr>
        </thead>
        <tbody>
          <tr><th>Chrome, Edge 113+</th><td>on by default (Windows, macOS, ChromeOS); Android 121+</td></tr>
          <tr><th>Chrome on Linux</th><td><code>--enable-unsafe-webgpu --enable-features=Vulkan</code></td></tr>
          <tr><th>Safari 26+</th><td>on by default (macOS, iOS, iPadOS)</td></tr>
          <tr><th>Firefox 141+</th><td>on by default on Windows; <code>dom.webgpu.enabled</code> elsewhere</td></tr>
        </tbody>
      </table>
      <p className="muted">
        The page must come from <code>https://</code> or <code>http://localhost</code>: WebGPU exists only in secure contexts.
        Check <code>chrome://gpu</code> for “WebGPU: Hardware accelerated”.
      </p>
    </main>
  );
}
