import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

// Every relative link of the README, the docs pages and the package and example READMEs leads to a
// file that exists, and a `#fragment` to a heading of that page (GitHub's slugs), so moving a
// section or a page cannot leave readers at a dead end.

const repository = join(__dirname, '..', '..', '..');
const inFolder = (folder: string, name: string): string[] =>
  readdirSync(join(repository, folder))
    .map((entry) => `${folder}/${entry}/${name}`)
    .filter((file) => existsSync(join(repository, file)));
const pages = [
  'README.md',
  ...readdirSync(join(repository, 'docs'))
    .filter((file) => file.endsWith('.md'))
    .map((file) => `docs/${file}`),
  ...inFolder('packages', 'README.md'),
  ...inFolder('examples', 'README.md'),
];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(join(repository, file), 'utf8').replace(/```[\s\S]*?```/g, '');
  const anchors = new Set<string>();
  for (const match of text.matchAll(/^#{1,6} (.+)$/gm)) {
    const base = slug(match[1]!);
    let anchor = base;
    for (let n = 1; anchors.has(anchor); n++) anchor = `${base}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}

function linksOf(file: string): string[] {
  const text = readFileSync(join(repository, file), 'utf8').replace(/```[\s\S]*?```/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1]!)
    .filter((link) => !/^(https?:|mailto:)/.test(link));
}

describe('documentation links', () => {
  it('checks the pages', () => {
    expect(pages).toEqual(expect.arrayContaining(['README.md', 'docs/models.md', 'packages/core/README.md']));
  });

  it.each(pages)('%s: every relative link and anchor resolves', (page) => {
    const broken: string[] = [];
    for (const link of linksOf(page)) {
      const [path = '', fragment] = link.split('#');
      const target = path === '' ? page : relative(repository, normalize(join(repository, dirname(page), path)));
      if (!existsSync(join(repository, target))) broken.push(`${link}: no ${target}`);
      else if (fragment !== undefined && target.endsWith('.md') && !anchorsOf(target).has(fragment)) {
        broken.push(`${link}: ${target} has no heading #${fragment}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
