import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { Catalog, hashKey, hasScope, keyIdOf, newApiKey, newWebhookSecret } from '@doppel/catalog';
import { signWebhook, verifyWebhook } from '../src/webhooks/signing.js';
import { checkWebhookUrl, isPrivateAddress } from '../src/webhooks/ssrf.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('API keys', () => {
  it('are stored hashed and authenticate only exactly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doppel-catalog-'));
    dirs.push(dir);
    const catalog = Catalog.open(dir);
    const created = await catalog.createAccount('alice', ['read']);
    const file = new Database(join(dir, 'catalog.sqlite'), { readonly: true });
    const stored = file.prepare('SELECT key_hash FROM api_keys').get() as { key_hash: string };
    expect(stored.key_hash).toBe(hashKey(created.key));
    expect(JSON.stringify(file.prepare('SELECT * FROM api_keys').all())).not.toContain(created.key);
    file.close();
    expect((await catalog.authenticate(created.key))?.account.name).toBe('alice');
    expect(await catalog.authenticate(`${created.key.slice(0, -1)}x`)).toBeNull();
    expect(await catalog.authenticate('nonsense')).toBeNull();
    await catalog.close();
  });

  it('have an id part and a secret part; scopes imply each other', () => {
    fc.assert(
      fc.property(fc.constant(null), () => {
        const { id, key } = newApiKey();
        expect(keyIdOf(key)).toBe(id);
      }),
      { numRuns: 50 },
    );
    expect(hasScope(['write'], 'read')).toBe(true);
    expect(hasScope(['read'], 'write')).toBe(false);
    expect(hasScope(['admin'], 'write')).toBe(true);
    expect(hasScope(['write'], 'admin')).toBe(false);
  });
});

describe('Standard Webhooks signatures', () => {
  it('verify what was signed and nothing else', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), (body, id) => {
        const secret = newWebhookSecret();
        const timestamp = 1_800_000_000;
        const signature = signWebhook(secret, id, timestamp, body);
        expect(signature).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
        const headers = { id, timestamp: String(timestamp), signature };
        expect(verifyWebhook(secret, headers, body, 300, timestamp)).toBe(true);
        expect(verifyWebhook(secret, headers, `${body} `, 300, timestamp)).toBe(false);
        expect(verifyWebhook(newWebhookSecret(), headers, body, 300, timestamp)).toBe(false);
        expect(verifyWebhook(secret, headers, body, 300, timestamp + 301)).toBe(false);
      }),
      { numRuns: 100 },
    );
  });

  it('matches the reference HMAC of "id.timestamp.body" keyed with the base64 secret', () => {
    // Example from the Standard Webhooks specification.
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const body = '{"test": 2432232314}';
    expect(signWebhook(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, body)).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });
});

describe('SSRF guard', () => {
  it('classifies private, loopback and public addresses', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '0.0.0.0',
    ]) {
      expect(isPrivateAddress(address), address).toBe(true);
    }
    for (const address of ['1.1.1.1', '93.184.216.34', '2606:4700:4700::1111']) {
      expect(isPrivateAddress(address), address).toBe(false);
    }
  });

  it('refuses private URLs unless allow-listed, and odd schemes always', async () => {
    expect(await checkWebhookUrl('http://127.0.0.1:9/hook', [])).toMatch(/private or loopback/);
    expect(await checkWebhookUrl('http://localhost:9/hook', [])).toMatch(/private or loopback/);
    expect(await checkWebhookUrl('http://[::1]:9/hook', [])).toMatch(/private or loopback/);
    expect(await checkWebhookUrl('http://127.0.0.1:9/hook', ['127.0.0.1'])).toBeNull();
    expect(await checkWebhookUrl('file:///etc/passwd', ['127.0.0.1'])).toMatch(/only http/);
    expect(await checkWebhookUrl('http://user:pw@127.0.0.1/', ['127.0.0.1'])).toMatch(/credentials/);
  });
});
