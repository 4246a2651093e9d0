'use strict';

// The app definition against Zapier's own schema, the check `zapier
// validate` runs before `zapier push`, plus the platform's compile step
// (createAppHandler's "validate" command) that catches what the schema
// alone does not. No network: both run here.

const test = require('node:test');
const assert = require('node:assert/strict');
const { validateAppDefinition } = require('zapier-platform-schema');
const { createAppHandler } = require('zapier-platform-core');
const cleaner = require('zapier-platform-core/src/tools/cleaner');
const App = require('../index');

test('the app definition passes zapier-platform-schema validation', () => {
  const definition = JSON.parse(JSON.stringify(cleaner.recurseCleanFuncs(App)));
  const { errors } = validateAppDefinition(definition);
  assert.deepEqual(errors.map((e) => `${e.property}: ${e.message}`), []);
});

test("the platform's validate command reports no errors", async () => {
  const handler = createAppHandler(App);
  const out = await handler({ command: 'validate', bundle: {} }, {});
  assert.deepEqual(out.results, []);
});

test('every trigger, search and create key is unique and well-formed', () => {
  const keys = [...Object.keys(App.triggers), ...Object.keys(App.creates), ...Object.keys(App.searches)];
  for (const k of keys) {
    assert.match(k, /^[a-zA-Z]+[a-zA-Z0-9_]*$/, k);
  }
  assert.equal(new Set(keys).size, keys.length);
  for (const [k, t] of Object.entries(App.triggers)) assert.equal(t.key, k);
  for (const [k, c] of Object.entries(App.creates)) assert.equal(c.key, k);
});
