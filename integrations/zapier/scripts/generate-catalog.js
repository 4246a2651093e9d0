'use strict';

// Regenerates catalog.json from a real Porter built from this repository:
// GET /api/triggers.php, which serves catalog.go. Run it (npm run generate)
// after changing catalog.go; test/catalog.test.js and test/app.test.js fail
// until it is run, so the Zapier app cannot drift from the server.

const fs = require('fs');
const path = require('path');
const porter = require('../test/porter');

const main = async () => {
  const p = await porter.start();
  try {
    const res = await fetch(`${p.url}/api/triggers.php`, { headers: { Authorization: `Bearer ${p.key}` } });
    if (res.status !== 200) {
      throw new Error(`GET /api/triggers.php answered ${res.status}: ${await res.text()}`);
    }
    const body = await res.json();
    const out = path.join(__dirname, '..', 'catalog.json');
    fs.writeFileSync(out, JSON.stringify(body.triggers, null, 2) + '\n');
    console.log(`wrote ${body.triggers.length} events to ${path.relative(process.cwd(), out)}`);
  } finally {
    await p.stop();
  }
};

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
