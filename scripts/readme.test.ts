// The README and docs/ against the repository: the README's lesson table lists exactly the app's
// lessons (src/ui/lessons/lessons.ts: plain data, imported here without a DOM), in order, each
// linked by its id; every relative link and image in README.md and docs/*.md reaches an existing
// file (and an #anchor, a heading of the page it points into); every docs/*.md page is linked from
// the README; every key of the URL hash (src/ui/url/hashState.ts) is documented in docs/url.md.
// Reads files only: no browser, no device.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LESSONS } from '../src/ui/lessons/lessons';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const README = join(root, 'README.md');
const DOCS = join(root, 'docs');
const docs = readdirSync(DOCS)
  .filter((f) => f.endsWith('.md'))
  .sort()
  .map((f) => join(DOCS, f));
const pages = [README, ...docs];

const read = (file: string) => readFileSync(file, 'utf8');
const rel = (file: string) => relative(root, file);

/** The text outside fenced code blocks and inline code, where a `[x](y)` is a link. */
function prose(markdown: string): string {
  return markdown
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '')
    .replace(/(`+)[\s\S]*?\1/g, '');
}

/** Every link and image target: inline `[text](target)`, reference definitions `[x]: target`, HTML src/href. */
function linkTargets(markdown: string): string[] {
  const text = prose(markdown);
  const out: string[] = [];
  for (const m of text.matchAll(/!?\[(?:[^[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+["'(][^)]*)?\)/g)) out.push(m[1]);
  for (const m of text.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)) out.push(m[1]);
  for (const m of text.matchAll(/\b(?:src|href)\s*=\s*["']([^"']+)["']/g)) out.push(m[1]);
  return out;
}

const external = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target);

/** GitHub's anchors for a page's headings: lower case, punctuation dropped, spaces to dashes, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  const body = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const m of body.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const text = m[1]
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // a link's text
      .replace(/<[^>]+>/g, '') // HTML tags
      .replace(/[`*~]/g, ''); // inline code and emphasis marks
    const base = text
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

interface Link {
  from: string;
  target: string;
  /** The file it points at, or null for an anchor into the page itself. */
  file: string | null;
  anchor: string | null;
}

function relativeLinks(page: string): Link[] {
  return linkTargets(read(page))
    .filter((t) => !external(t))
    .map((target) => {
      const hash = target.indexOf('#');
      const path = decodeURIComponent(hash < 0 ? target : target.slice(0, hash));
      const anchor = hash < 0 ? null : decodeURIComponent(target.slice(hash + 1));
      return { from: page, target, file: path === '' ? null : resolve(dirname(page), path), anchor };
    });
}

/** The rows of the table under the README's `## Lessons` heading, as cells. */
function lessonRows(markdown: string): string[][] {
  const section = /^## Lessons\s*$([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(markdown);
  if (!section) return [];
  const lines = section[1].split('\n');
  const start = lines.findIndex((l) => l.trim().startsWith('|'));
  if (start < 0) return [];
  const table: string[] = [];
  for (const line of lines.slice(start)) {
    if (!line.trim().startsWith('|')) break;
    table.push(line.trim());
  }
  // The header and the |---| line are not lessons.
  return table.slice(2).map((line) =>
    line
      .replace(/^\||\|$/g, '')
      .split(/(?<!\\)\|/)
      .map((c) => c.trim()),
  );
}

describe('README.md', () => {
  const rows = lessonRows(read(README));

  it("lists exactly the app's lessons, in the app's order, each linked by its id with its title and question", () => {
    expect(LESSONS.length).toBeGreaterThan(0);
    const listed = rows.map((cells) => {
      const link = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(cells[0]);
      const id = link && /#lesson=([\w-]+)$/.exec(link[2]);
      return { title: link?.[1] ?? null, id: id?.[1] ?? null, question: cells[1] ?? null, cells: cells.length };
    });
    expect(listed.map((l) => l.id), 'the lesson links (#lesson=<id>) in the table under "## Lessons"').toEqual(LESSONS.map((l) => l.id));
    for (const [i, lesson] of LESSONS.entries()) {
      expect(listed[i], `row ${i + 1} of the lesson table`).toEqual({ title: lesson.title, id: lesson.id, question: lesson.question, cells: 3 });
    }
  });

  it('says what comes out of every lesson', () => {
    for (const cells of rows) expect(cells[2]?.length ?? 0, cells[0]).toBeGreaterThan(20);
  });

  it('links every page of docs/', () => {
    const linked = new Set(relativeLinks(README).map((l) => l.file));
    expect(docs.length).toBeGreaterThan(0);
    expect(docs.filter((d) => !linked.has(d)).map(rel), 'docs/*.md pages the README does not link').toEqual([]);
  });
});

describe('links in README.md and docs/*.md', () => {
  it.each(pages.map((p) => [rel(p), p]))('%s: every relative link reaches a file, and every #anchor a heading', (_name, page) => {
    const broken: string[] = [];
    for (const link of relativeLinks(page)) {
      const file = link.file ?? page;
      if (!existsSync(file)) {
        broken.push(`${link.target}: no such file (${rel(file)})`);
        continue;
      }
      if (link.anchor !== null && statSync(file).isFile() && file.endsWith('.md') && !anchors(read(file)).has(link.anchor)) {
        broken.push(`${link.target}: no heading #${link.anchor} in ${rel(file)}`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe('docs/url.md', () => {
  it('documents every key of the URL hash that src/ui/url/hashState.ts reads or writes', () => {
    const code = read(join(root, 'src/ui/url/hashState.ts'));
    const keys = [...new Set([...code.matchAll(/\bp\.(?:get|set)\(\s*'([^']+)'/g)].map((m) => m[1]))];
    expect(keys).toContain('m');
    const documented = new Set([...read(join(DOCS, 'url.md')).matchAll(/^\|\s*`([^`]+)`\s*\|/gm)].map((m) => m[1]));
    expect(keys.filter((k) => !documented.has(k)), 'keys without a row in docs/url.md').toEqual([]);
  });
});
