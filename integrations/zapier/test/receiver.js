'use strict';

// A real HTTP receiver on loopback for Porter's webhook deliveries. It
// answers 200 and keeps each request's method, path, headers and raw body.

const http = require('http');

const start = async () => {
  const requests = [];
  const waiters = new Set();
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method, path: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
      for (const w of waiters) w();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();

  // waitFor resolves to the first request pred accepts, waiting for it up
  // to timeoutMs.
  const waitFor = (pred, timeoutMs = 10000) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const found = requests.find(pred);
        if (found) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`the receiver got no matching request within ${timeoutMs} ms; it got ${requests.length}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });

  const stop = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { url: `http://127.0.0.1:${port}`, requests, waitFor, stop };
};

module.exports = { start };
