// Downloads from the page: a table as a .csv file, and a view as a .png drawn from what is on
// screen: its canvases copied at their places, its SVGs (swatches, diagrams) rasterised, and its
// titles and legend lines written in their own colours, on the page's background. The work is a
// handful of drawImage/fillText calls and one canvas.toBlob (encoded off the main thread).

import { toCsv, type Table } from './csv';

export function downloadBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The download has its own reference once started; the URL is only for the click.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

export function downloadCsv(name: string, table: Table): void {
  downloadBlob(name, new Blob([toCsv(table)], { type: 'text/csv;charset=utf-8' }));
}

/** Text kept in the picture: the title, small multiples' titles, legend entries and readouts. */
const TEXT = 'h3, .small-title, li, .hint';
/** Controls are no part of the picture. */
const SKIP = '.view-actions, button, input, select, .chart-export';

/** What the page's stylesheet gives an SVG's shapes and labels; a standalone SVG image has no stylesheet. */
const SVG_STYLE = ['fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'opacity', 'font-size', 'font-family', 'font-weight'];

function svgImage(svg: SVGSVGElement, width: number, height: number): Promise<HTMLImageElement | null> {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const from = [svg, ...svg.querySelectorAll('*')];
  const to = [copy, ...copy.querySelectorAll('*')];
  from.forEach((el, i) => {
    const style = getComputedStyle(el);
    (to[i] as SVGElement).setAttribute('style', SVG_STYLE.map((p) => `${p}:${style.getPropertyValue(p)}`).join(';'));
  });
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  copy.setAttribute('width', String(width));
  copy.setAttribute('height', String(height));
  const url = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(new XMLSerializer().serializeToString(copy))}`;
  return new Promise((resolve) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => resolve(null);
    img.src = url;
  });
}

/** The view as it is on screen, as a PNG (null when the browser cannot encode one). */
export async function viewPng(view: HTMLElement): Promise<Blob | null> {
  const dpr = window.devicePixelRatio || 1;
  const box = view.getBoundingClientRect();
  const out = document.createElement('canvas');
  out.width = Math.max(1, Math.round(box.width * dpr));
  out.height = Math.max(1, Math.round(box.height * dpr));
  const ctx = out.getContext('2d');
  if (!ctx) return null;
  ctx.scale(dpr, dpr);
  ctx.fillStyle = getComputedStyle(document.documentElement).getPropertyValue('--bg').trim() || '#0f1115';
  ctx.fillRect(0, 0, box.width, box.height);
  const at = (el: Element) => {
    const r = el.getBoundingClientRect();
    return { x: r.left - box.left, y: r.top - box.top, w: r.width, h: r.height };
  };
  const kept = (el: Element) => !el.closest(SKIP);
  for (const c of view.querySelectorAll('canvas')) {
    const p = at(c);
    if (kept(c) && p.w > 0 && p.h > 0) ctx.drawImage(c, p.x, p.y, p.w, p.h);
  }
  for (const svg of view.querySelectorAll('svg')) {
    const p = at(svg);
    if (!kept(svg) || p.w === 0 || p.h === 0) continue;
    const img = await svgImage(svg, p.w, p.h);
    if (img) ctx.drawImage(img, p.x, p.y, p.w, p.h);
  }
  // Each word where it stands: a legend line holds several pieces between swatches, and a
  // paragraph wraps over lines.
  ctx.textBaseline = 'top';
  const range = document.createRange();
  for (const el of view.querySelectorAll<HTMLElement>(TEXT)) {
    if (!kept(el) || el.parentElement?.closest(TEXT)) continue;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || !kept(parent) || !node.textContent?.trim()) continue;
      const style = getComputedStyle(parent);
      ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      ctx.fillStyle = style.color;
      for (const word of node.textContent.matchAll(/\S+/g)) {
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        const r = range.getBoundingClientRect();
        if (r.width > 0) ctx.fillText(word[0], r.left - box.left, r.top - box.top + 1);
      }
    }
  }
  return new Promise((resolve) => out.toBlob(resolve, 'image/png'));
}
