'use strict';

const crypto = require('crypto');

// newSecret makes the signing secret a REST hook subscription is created
// with: Porter then signs every delivery, and perform checks it, so a
// request forged to the hook's URL is ignored.
const newSecret = () => crypto.randomBytes(32).toString('hex');

// sign computes Porter's X-PM-Signature for a raw body (seed 000).
const sign = (secret, body) => 'sha256=' + crypto.createHmac('sha256', secret).update(body, 'utf8').digest('hex');

// header finds a request header whatever form the hook runtime gives names
// in: "X-PM-Signature", "x-pm-signature" or CGI style "Http-X-Pm-Signature".
const header = (headers, name) => {
  if (!headers || typeof headers !== 'object') return undefined;
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) {
    const key = k.toLowerCase().replace(/_/g, '-').replace(/^http-/, '');
    if (key === want) return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
};

// verify reports whether raw (the hook request: headers and content) was
// signed with secret. Comparison is constant-time.
const verify = (secret, raw) => {
  const got = header(raw.headers, 'x-pm-signature');
  if (typeof got !== 'string' || typeof raw.content !== 'string') return false;
  const want = sign(secret, raw.content);
  const a = Buffer.from(got.trim());
  const b = Buffer.from(want);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
};

module.exports = { newSecret, sign, header, verify };
