'use strict';

// catalog.json (the triggers the app offers) must match catalog.go, the
// source of Porter's catalog. Reading catalog.go here, without a server,
// makes a change there fail fast with the fix in the message. app.test.js
// also compares catalog.json with what a real Porter's /api/triggers.php
// serves.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { repoRoot } = require('./porter');
const catalog = require('../catalog.json');
const App = require('../index');
const { triggerKey } = require('../lib/catalog');

const FIX = 'catalog.json is out of date: run `npm run generate` in integrations/zapier and commit it';

const strings = (list) => [...list.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`));

// goCatalog reads the entries of porter.Catalog from catalog.go's source.
const goCatalog = () => {
  const src = fs.readFileSync(path.join(repoRoot, 'catalog.go'), 'utf8');
  const body = src.slice(src.indexOf('var Catalog = []EventType{'));
  const entries = [];
  for (const line of body.split('\n')) {
    const m = /^\s*\{Name:\s*"([^"]+)"/.exec(line);
    if (!m) continue;
    const desc = /Description:\s*"((?:[^"\\]|\\.)*)"/.exec(line);
    const fields = /Fields:\s*\[\]string\{([^}]*)\}/.exec(line);
    const scope = /Scope:\s*"([^"]+)"/.exec(line);
    const aliases = /Aliases:\s*\[\]string\{([^}]*)\}/.exec(line);
    entries.push({
      event: m[1],
      description: desc ? JSON.parse(`"${desc[1]}"`) : undefined,
      fields: fields ? strings(fields[1]) : [],
      scope: scope ? scope[1] : undefined,
      aliases: aliases ? strings(aliases[1]) : undefined,
      pollable: /Pollable:\s*true/.test(line),
    });
    if (/^\}/.test(line)) break;
  }
  return entries;
};

test('catalog.json matches catalog.go', () => {
  const fromGo = goCatalog();
  assert.ok(fromGo.length > 0, 'found no entries in catalog.go: its layout changed; update goCatalog in this test');
  const fromJSON = catalog.map((e) => ({ ...e, aliases: e.aliases }));
  assert.deepEqual(fromJSON.map((e) => e.event), fromGo.map((e) => e.event), FIX);
  assert.deepEqual(fromJSON, fromGo, FIX);
});

test('every catalog event has an instant trigger, and every pollable one a polling trigger', () => {
  for (const e of catalog) {
    const t = App.triggers[triggerKey(e.event)];
    assert.ok(t, `no trigger for ${e.event}`);
    assert.equal(t.operation.type, 'hook', e.event);
    for (const f of e.fields) {
      assert.ok(f in t.operation.sample, `${e.event}'s sample lacks ${f}`);
    }
  }
  const polled = Object.values(App.triggers).filter((t) => t.operation.type === 'polling' && !t.display.hidden);
  assert.equal(polled.length, catalog.filter((e) => e.pollable).length);
});
