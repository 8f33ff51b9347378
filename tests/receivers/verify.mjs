// An independent verifier of Standard Webhooks signatures (https://www.standardwebhooks.com/),
// written from the published specification, not from Tenantra's code.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const TOLERANCE_SECONDS = 300;

/**
 * Checks one delivery: headers (webhook-id, webhook-timestamp, webhook-signature), the raw body
 * (a Buffer) and one or more secrets ("whsec_" + base64). Returns { valid, reason }.
 */
export function verify({ headers, body, secrets, nowSeconds = Math.floor(Date.now() / 1000) }) {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (!id || !timestamp || !signatures) return { valid: false, reason: 'missing headers' };
  if (!/^\d+$/.test(timestamp)) return { valid: false, reason: 'bad timestamp' };
  const ts = Number(timestamp);
  if (Math.abs(nowSeconds - ts) > TOLERANCE_SECONDS) return { valid: false, reason: 'timestamp outside tolerance' };

  const signedContent = Buffer.concat([Buffer.from(`${id}.${timestamp}.`, 'utf8'), body]);
  for (const secret of secrets) {
    if (!secret.startsWith('whsec_')) continue;
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const expected = createHmac('sha256', key).update(signedContent).digest();
    for (const part of signatures.split(' ')) {
      const [version, signature] = part.split(',', 2);
      if (version !== 'v1' || !signature) continue;
      const given = Buffer.from(signature, 'base64');
      if (given.length === expected.length && timingSafeEqual(given, expected)) {
        return { valid: true, reason: 'ok' };
      }
    }
  }
  return { valid: false, reason: 'no matching signature' };
}
