import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, posix, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

const require = createRequire(import.meta.url);
const consoleDir = fileURLToPath(new URL('../console/', import.meta.url));

/**
 * The console's assets by the name they are served under (`/console/NAME`): the page's own
 * modules and style from `src/gateway/console/`, and the chart library from its npm package,
 * served locally so the page loads nothing from another origin. An allowlist, not a directory
 * listing: no request path ever reaches the file system.
 */
const ASSETS: Readonly<Record<string, string>> = {
  'app.js': `${consoleDir}app.js`,
  'api.js': `${consoleDir}api.js`,
  'login.js': `${consoleDir}login.js`,
  'view.js': `${consoleDir}view.js`,
  'feed.js': `${consoleDir}feed.js`,
  'actions.js': `${consoleDir}actions.js`,
  'chart.js': `${consoleDir}chart.js`,
  'format.js': `${consoleDir}format.js`,
  'profile.js': `${consoleDir}profile.js`,
  'audit.js': `${consoleDir}audit.js`,
  'panels.js': `${consoleDir}panels.js`,
  'backfill.js': `${consoleDir}backfill.js`,
  'style.css': `${consoleDir}style.css`,
  'uplot.esm.js': require.resolve('uplot/dist/uPlot.esm.js'),
  'uplot.css': require.resolve('uplot/dist/uPlot.min.css'),
};

/**
 * The YAML library's browser build (plain ES modules, no dependencies of its own) for the profile
 * editor. Its modules sit in folders (`compose/composer.js`); each is served under one flat name
 * (`yaml.compose.composer.js`) with its relative import specifiers rewritten to those names and
 * nothing else changed, so the console's single-segment allowlist serves the library too. Listed
 * once at start from the package's `browser/dist`.
 */
const yamlDir = join(dirname(require.resolve('yaml/package.json')), 'browser', 'dist');
const yamlFiles = readdirSync(yamlDir, { recursive: true, encoding: 'utf8' })
  .map((p) => p.split(sep).join('/'))
  .filter((p) => p.endsWith('.js'));
/** The flat name a module of the YAML library is served under. */
const yamlName = (relative: string) => `yaml.${relative.replaceAll('/', '.')}`;
/** The YAML library's entry point, as the console imports it (`./yaml.index.js`). */
export const YAML_ENTRY = yamlName('index.js');
const YAML_ASSETS: ReadonlyMap<string, string> = new Map(yamlFiles.map((p) => [yamlName(p), p]));
if (YAML_ASSETS.size !== yamlFiles.length)
  throw new Error('two modules of the yaml package flatten to one name');

/** A YAML module's source with each relative import pointing at the flat name it is served under. */
function yamlModule(relative: string): Buffer {
  const source = readFileSync(join(yamlDir, relative), 'utf8');
  const rewritten = source.replace(
    /((?:\bfrom|\bimport)\s*)(['"])(\.\.?\/[^'"]+)\2/g,
    (whole, keyword: string, quote: string, spec: string) => {
      const target = posix.normalize(posix.join(posix.dirname(relative), spec));
      return YAML_ASSETS.has(yamlName(target)) ? `${keyword}${quote}./${yamlName(target)}${quote}` : whole;
    },
  );
  return Buffer.from(rewritten);
}

const TYPES: Readonly<Record<string, string>> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

/**
 * Everything from the gateway's own origin and nothing inline: an injected script or style
 * does not run, and no page can frame the console (a kill switch must not be clickjacked).
 */
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

function typeOf(name: string): string {
  return TYPES[name.slice(name.lastIndexOf('.') + 1)] ?? 'application/octet-stream';
}

/** Read once on first use: the assets change only with a new release of the gateway. */
const cache = new Map<string, Buffer>();
function asset(name: string, read: () => Buffer): Buffer {
  let body = cache.get(name);
  if (body === undefined) {
    body = read();
    cache.set(name, body);
  }
  return body;
}

function sendAsset(reply: FastifyReply, name: string, body: Buffer) {
  return reply
    .header('content-type', typeOf(name))
    .header('content-security-policy', CONSOLE_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-cache')
    .send(body);
}

/** The names served under `/console/`, for tests and the docs. */
export const CONSOLE_ASSETS: readonly string[] = Object.keys(ASSETS);

/** `/`: the risk console page; `/console/{file}`: its modules, style and libraries. Public, as `/docs` is: the data behind them needs a session. */
export function consoleRoutes(app: FastifyInstance): void {
  app.get('/', async (_request, reply) =>
    sendAsset(
      reply,
      'index.html',
      asset('index.html', () => readFileSync(`${consoleDir}index.html`)),
    ),
  );
  app.get('/console/:file', async (request, reply) => {
    const { file } = request.params as { file: string };
    const path = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined;
    if (path !== undefined)
      return sendAsset(
        reply,
        file,
        asset(file, () => readFileSync(path)),
      );
    const yaml = YAML_ASSETS.get(file);
    if (yaml !== undefined)
      return sendAsset(
        reply,
        file,
        asset(file, () => yamlModule(yaml)),
      );
    return reply.code(404).send({
      code: 40410000,
      message: `console asset not found: ${file} (expected one of ${CONSOLE_ASSETS.join(', ')}, or a module of the yaml package as yaml.{path}.js)`,
    });
  });
}
