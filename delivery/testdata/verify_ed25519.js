const crypto = require('crypto');

// publicKey: the webhook's public_key ("whpk_…"); rawBody: a Buffer.
function verify(publicKey, headers, rawBody) {
  const id = headers['webhook-id'], ts = headers['webhook-timestamp'];
  if (!id || !ts || Math.abs(Date.now() / 1000 - Number(ts)) > 300) return false;
  const x = Buffer.from(publicKey.replace(/^whpk_/, ''), 'base64').toString('base64url');
  const key = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
  const signed = Buffer.concat([Buffer.from(`${id}.${ts}.`), rawBody]);
  return (headers['webhook-signature'] || '').split(' ').some((entry) => {
    const [version, sig] = entry.split(',');
    return version === 'v1a' && crypto.verify(null, signed, key, Buffer.from(sig, 'base64'));
  });
}
