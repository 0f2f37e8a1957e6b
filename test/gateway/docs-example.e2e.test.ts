import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type Rig, startRig } from './harness.ts';

let rig: Rig;
let curlHome: string;

beforeAll(async () => {
  rig = await startRig();
  curlHome = mkdtempSync(join(tmpdir(), 'riskgate-curl-'));
  // curl reads its options file from CURL_HOME: it adds the status line to an unchanged command.
  writeFileSync(join(curlHome, '.curlrc'), 'write-out = "\\nHTTP %{http_code}\\n"\n');
});
afterAll(async () => {
  await rig?.close();
  rmSync(curlHome, { recursive: true, force: true });
});

function unescapeHtml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

describe('the example on /docs/reference', () => {
  it('works exactly as shown, with the key and secret in $KEY and $SECRET', async () => {
    // As under `npm start`, where the embedded market's symbols are watched from the start.
    const check = { symbol: 'AAPL', qty: '1', side: 'buy', type: 'market', time_in_force: 'day' };
    await eventually(
      async () => (await rig.http('POST', '/v1/orders/check', check)).body.outcome !== 'deny',
      'AAPL to be marked',
    );
    const page = await (await fetch(`${rig.gateway.url}/docs/reference`)).text();
    const example = /<pre>([\s\S]*?)<\/pre>/.exec(page)?.[1];
    expect(example).toBeDefined();
    const command = unescapeHtml(example!);
    expect(command).toContain(rig.gateway.url);
    const output = await new Promise<string>((done, fail) => {
      execFile(
        '/bin/sh',
        ['-c', command],
        {
          env: {
            PATH: process.env.PATH,
            CURL_HOME: curlHome,
            KEY: rig.trader.key.keyId,
            SECRET: rig.trader.secret,
          },
          timeout: 30_000,
        },
        (error, stdout) => (error === null ? done(stdout) : fail(error)),
      );
    });
    const status = /\nHTTP (\d{3})\n$/.exec(output);
    expect(status?.[1], output).toBe('200');
    const decision = JSON.parse(output.slice(0, status!.index)) as { outcome: string };
    expect(['accept', 'accept-modified'], output).toContain(decision.outcome);
  });

  it('names the address the page was asked for, and only a plain host and port', async () => {
    /** The page as asked for under a given Host header (fetch would not send one of its own). */
    const pageFor = (host: string) =>
      new Promise<string>((done, fail) => {
        const url = new URL(`${rig.gateway.url}/docs/reference`);
        const req = request(
          { host: url.hostname, port: url.port, path: '/docs/reference', headers: { host } },
          (res) => {
            let text = '';
            res.on('data', (chunk: Buffer) => {
              text += chunk.toString();
            });
            res.on('end', () => done(text));
          },
        );
        req.on('error', fail);
        req.end();
      });
    expect(await pageFor('gw.example:9000')).toContain('http://gw.example:9000/v1/orders/check');
    const odd = await pageFor('gw.example:9000$(id)');
    expect(odd).not.toContain('$(id)');
    expect(odd).toContain('http://127.0.0.1:8080/v1/orders/check');
  });
});

describe('the plain reference on /docs/reference', () => {
  it('lists every documented operation with its fields, and loads nothing at all', async () => {
    const page = await fetch(`${rig.gateway.url}/docs/reference`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).not.toMatch(/<script/);
    expect(html).not.toMatch(/jsdelivr|unpkg|cdn\./);
    const doc = (await (await fetch(`${rig.gateway.url}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    for (const id of ids) expect(html).toContain(`id="${id}"`);
    // The order body's fields, required ones starred, as the reader accepts them.
    expect(html).toContain('<code>symbol*</code>');
    expect(html).toContain('<code>client_order_id</code>');
  });
});
