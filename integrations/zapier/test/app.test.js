'use strict';

// The app against a real Porter (built from this repository and started by
// the test) through zapier-platform-core's createAppTester: the
// authentication test, every action, the dropdowns, the polling triggers,
// and the REST hook end to end with a real loopback receiver. No mocks.

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const zapier = require('zapier-platform-core');
const App = require('../index');
const catalog = require('../catalog.json');
const { triggerKey } = require('../lib/catalog');
const signature = require('../lib/signature');
const porter = require('./porter');
const receiver = require('./receiver');

// Zapier's runtime sends its logs to Zapier only when given a token; make
// sure none is set, so that nothing leaves this machine.
delete process.env.LOGGING_TOKEN;

const appTester = zapier.createAppTester(App);

describe('Zapier app against a real Porter', () => {
  let server;
  let hooks;
  let authData;
  let property;
  let unit;
  let tenant;

  // v1 calls that set up what the actions need, outside the app.
  const v1 = async (method, path, body) => {
    const res = await fetch(server.url + path, {
      method,
      headers: { Authorization: `Bearer ${server.key}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };

  before(async () => {
    hooks = await receiver.start();
    server = await porter.start();
    authData = { base_url: server.url, api_key: server.key };
    property = (await v1('POST', '/v1/properties', { name: 'Zapier Court', address: '1 Hook Lane' })).data;
    unit = (await v1('POST', '/v1/units', { property_id: property.id, name: '3C' })).data;
  });

  after(async () => {
    if (server) await server.stop();
    if (hooks) await hooks.stop();
  });

  describe('authentication', () => {
    test('a valid key passes the test and labels the connection', async () => {
      const out = await appTester(App.authentication.test, { authData });
      assert.equal(out.organization_name, 'Zapier tests');
      assert.equal(out.organization_id, server.orgID);
      assert.equal(out.host, new URL(server.url).host);
      const label = await appTester(App.authentication.connectionLabel, { authData, inputData: out });
      assert.equal(label, `Zapier tests (${new URL(server.url).host})`);
    });

    test('a base URL with a trailing slash or a pasted /api works', async () => {
      for (const base_url of [server.url + '/', server.url + '/api/', ` ${server.url}/v1 `]) {
        const out = await appTester(App.authentication.test, { authData: { ...authData, base_url } });
        assert.equal(out.base_url, server.url, base_url);
      }
    });

    test('a wrong key is refused with a message that says so', async () => {
      await assert.rejects(
        appTester(App.authentication.test, { authData: { ...authData, api_key: 'pm_not_a_real_key' } }),
        /Porter rejected the API key \(Missing or invalid Bearer token\)/,
      );
    });
  });

  test("catalog.json is what this Porter's /api/triggers.php serves", async () => {
    const res = await fetch(`${server.url}/api/triggers.php`, { headers: { Authorization: `Bearer ${server.key}` } });
    const body = await res.json();
    assert.deepEqual(catalog, body.triggers, 'catalog.json is out of date: run `npm run generate` in integrations/zapier and commit it');
  });

  describe('actions', () => {
    test('Create Tenant', async () => {
      tenant = await appTester(App.creates.create_tenant.operation.perform, {
        authData,
        inputData: { email: 'zoe@example.com', first_name: 'Zoe', last_name: 'Park', phone: '' },
      });
      assert.ok(tenant.id > 0);
      assert.equal(tenant.email, 'zoe@example.com');
      assert.equal(tenant.status, 'invited');
      assert.match(tenant.accept_url, /accept-invite\.php\?token=/);
    });

    test("Create Tenant without a required field names it", async () => {
      await assert.rejects(
        appTester(App.creates.create_tenant.operation.perform, { authData, inputData: { first_name: 'No', last_name: 'Email' } }),
        (err) => /Porter answered 400: .*email/.test(err.message),
      );
    });

    test('Create Work Order', async () => {
      const wo = await appTester(App.creates.create_work_order.operation.perform, {
        authData,
        inputData: { title: 'Kitchen tap dripping', description: 'Cold tap drips.', property_id: property.id, unit_id: unit.id, priority: 'high', category: 'plumbing' },
      });
      assert.ok(wo.id > 0);
      assert.equal(wo.status, 'open');
      assert.equal(wo.priority, 'high');
      assert.equal(wo.unit_id, unit.id);
    });

    test('Create Work Order with the priority left blank takes the default', async () => {
      const wo = await appTester(App.creates.create_work_order.operation.perform, {
        authData,
        inputData: { title: 'Hall light out', description: 'Second floor.', property_id: String(property.id), priority: '' },
      });
      assert.equal(wo.priority, 'normal');
    });

    test('Create Work Order with a priority not among the choices is refused', async () => {
      await assert.rejects(
        appTester(App.creates.create_work_order.operation.perform, {
          authData,
          inputData: { title: 'x', description: 'y', property_id: property.id, priority: 'whenever' },
        }),
        /Porter answered 400: .*priority/,
      );
      const choices = Object.keys(App.creates.create_work_order.operation.inputFields.find((f) => f.key === 'priority').choices);
      assert.deepEqual(choices, ['low', 'normal', 'high', 'emergency']);
    });

    test('Create Charge, with a due date as Zapier sends dates', async () => {
      const charge = await appTester(App.creates.create_charge.operation.perform, {
        authData,
        inputData: { tenant_id: tenant.id, amount: 75.5, description: 'Late fee — May rent', due_date: '2025-06-01T00:00:00-05:00', category: 'late_fee' },
      });
      assert.ok(charge.id > 0);
      assert.equal(charge.tenant_id, tenant.id);
      assert.equal(charge.due_date, '2025-06-01');
      assert.equal(charge.category, 'late_fee');
      assert.equal(Number(charge.amount), 75.5);
    });

    test('Record Payment', async () => {
      const p = await appTester(App.creates.record_payment.operation.perform, {
        authData,
        inputData: { tenant_id: tenant.id, amount: 50, method: 'bank_transfer', reference: 'TXN-1' },
      });
      assert.ok(p.id > 0);
      assert.equal(p.tenant_id, tenant.id);
      assert.equal(Number(p.amount), 50);
      assert.equal(p.method, 'bank_transfer');
    });

    test('Send Message', async () => {
      const out = await appTester(App.creates.send_message.operation.perform, {
        authData,
        inputData: { subject: 'Water off Tuesday', body: 'From 9 to 11.', audience: 'property_tenants', channel: 'email', property_id: property.id },
      });
      assert.ok(out.broadcast_id > 0);
      assert.equal(out.id, out.broadcast_id);
    });

    test('Send Message to a property audience without a property names the field', async () => {
      await assert.rejects(
        appTester(App.creates.send_message.operation.perform, { authData, inputData: { subject: 's', body: 'b', audience: 'property_tenants' } }),
        /Porter answered 400: .*property_id/,
      );
    });
  });

  describe('searches', () => {
    test('Find Tenant by email, whatever its case', async () => {
      const found = await appTester(App.searches.find_tenant.operation.perform, { authData, inputData: { email: ' Zoe@Example.com ' } });
      assert.deepEqual(found.map((t) => t.id), [tenant.id]);
      const none = await appTester(App.searches.find_tenant.operation.perform, { authData, inputData: { email: 'nobody@example.com' } });
      assert.deepEqual(none, []);
    });
  });

  describe('dropdowns', () => {
    test('properties, units of a property, tenants', async () => {
      const props = await appTester(App.triggers.property_list.operation.perform, { authData, meta: { page: 0 } });
      assert.ok(props.some((p) => p.id === property.id && p.label === 'Zapier Court (1 Hook Lane)'));
      const units = await appTester(App.triggers.unit_list.operation.perform, { authData, inputData: { property_id: property.id }, meta: { page: 0 } });
      assert.deepEqual(units.map((u) => u.id), [unit.id]);
      const tenants = await appTester(App.triggers.tenant_list.operation.perform, { authData, meta: { page: 0 } });
      assert.ok(tenants.some((t) => t.id === tenant.id && t.label === 'Zoe Park <zoe@example.com>'));
      const page2 = await appTester(App.triggers.tenant_list.operation.perform, { authData, meta: { page: 1 } });
      assert.deepEqual(page2, []);
    });
  });

  describe('polling triggers', () => {
    test('New Tenant, New Work Order, New Payment and New Completed Work Order return new events, newest first, each once', async () => {
      const wo = (await v1('POST', '/api/action_create_work_order.php', { title: 'Door sticks', description: 'Front door.', property_id: property.id })).work_order;
      await v1('POST', `/v1/work_orders/${wo.id}/assign`, { assigned_to: 'Sam' });
      await v1('POST', `/v1/work_orders/${wo.id}/start`);
      await v1('POST', `/v1/work_orders/${wo.id}/complete`, { resolution_notes: 'Planed the door.' });

      const tenants = await appTester(App.triggers.new_tenant.operation.perform, { authData });
      assert.equal(tenants[0].id, tenant.id, 'the newest tenant comes first');
      assert.equal(tenants[0].email, 'zoe@example.com');
      assert.match(tenants[0].event_id, /^evt_/);
      assert.equal(tenants[0].event, 'tenant.created');

      const orders = await appTester(App.triggers.new_work_order.operation.perform, { authData });
      assert.equal(orders[0].id, wo.id);
      assert.equal(orders.length, 3);

      const payments = await appTester(App.triggers.new_payment.operation.perform, { authData });
      assert.equal(payments.length, 1);
      assert.equal(Number(payments[0].amount), 50);

      const completed = await appTester(App.triggers.new_completed_work_order.operation.perform, { authData });
      assert.deepEqual(completed.map((c) => c.id), [wo.id]);
      assert.ok(completed[0].completed_at);

      for (const list of [tenants, orders, payments, completed]) {
        const ids = list.map((r) => r.event_id);
        assert.equal(new Set(ids).size, ids.length, 'event_id, the dedupe key, is unique');
      }
      for (const key of ['new_tenant', 'new_work_order', 'new_payment', 'new_completed_work_order']) {
        const primary = App.triggers[key].operation.outputFields.filter((f) => f.primary).map((f) => f.key);
        assert.deepEqual(primary, ['event_id'], key);
      }
    });
  });

  describe('REST hooks', () => {
    test('every catalog event can be subscribed and unsubscribed', async () => {
      for (const e of catalog) {
        const op = App.triggers[triggerKey(e.event)].operation;
        const sub = await appTester(op.performSubscribe, { authData, targetUrl: `${hooks.url}/all/${e.event}` });
        assert.ok(sub.id > 0, e.event);
        assert.equal(sub.event, e.event);
        assert.equal(sub.target_url, `${hooks.url}/all/${e.event}`);
        const un = await appTester(op.performUnsubscribe, { authData, subscribeData: sub });
        assert.equal(un.deleted, true, e.event);
      }
      const left = await v1('GET', '/v1/webhooks?source=rest_hook');
      assert.deepEqual(left.data, []);
    });

    test('subscribe, fire through an action, receive the signed POST, perform, list samples, unsubscribe', async () => {
      const op = App.triggers.payment_succeeded.operation;
      const targetUrl = `${hooks.url}/hooks/catch/1/payment`;
      const sub = await appTester(op.performSubscribe, { authData, targetUrl });
      assert.ok(sub.id > 0);
      assert.match(sub.secret, /^[0-9a-f]{64}$/);

      const payment = await appTester(App.creates.record_payment.operation.perform, {
        authData,
        inputData: { tenant_id: tenant.id, amount: '1800.00', method: 'cash' },
      });

      const got = await hooks.waitFor((r) => r.path === '/hooks/catch/1/payment');
      assert.equal(got.method, 'POST');
      assert.equal(got.headers['x-pm-event'], 'payment.succeeded');
      assert.match(got.headers['content-type'], /^application\/json/);
      assert.equal(got.headers['x-pm-signature'], signature.sign(sub.secret, got.body), 'signed with the secret subscribe set');
      const envelope = JSON.parse(got.body);
      assert.equal(envelope.event, 'payment.succeeded');
      assert.match(envelope.id, /^evt_/);
      assert.ok(envelope.fired_at);
      assert.equal(envelope.data.id, payment.id);

      // What Zapier hands perform: the parsed body and the raw request,
      // headers in its CGI style.
      const rawHeaders = Object.fromEntries(Object.entries(got.headers).map(([k, v]) => [`Http-${k.replace(/(^|-)([a-z])/g, (m, d, c) => d + c.toUpperCase())}`, v]));
      const rawRequest = { method: 'POST', querystring: '', headers: rawHeaders, content: got.body };
      const [row] = await appTester(op.perform, { authData, subscribeData: sub, cleanedRequest: envelope, rawRequest });
      assert.equal(row.id, payment.id);
      assert.equal(row.tenant_id, tenant.id);
      assert.equal(Number(row.amount), 1800);
      assert.equal(row.method, 'cash');
      assert.equal(row.event, 'payment.succeeded');
      assert.equal(row.event_id, envelope.id);
      assert.equal(row.fired_at, envelope.fired_at);

      // A request forged to the hook's URL is ignored.
      const forged = got.body.replace('"cash"', '"stolen"');
      await assert.rejects(
        appTester(op.perform, { authData, subscribeData: sub, cleanedRequest: JSON.parse(forged), rawRequest: { ...rawRequest, content: forged } }),
        (err) => err.name === 'HaltedError' && /X-PM-Signature does not match/.test(err.message),
      );

      // So is one that carries no signature at all.
      const unsigned = Object.fromEntries(Object.entries(rawHeaders).filter(([k]) => !/signature/i.test(k)));
      await assert.rejects(
        appTester(op.perform, { authData, subscribeData: sub, cleanedRequest: envelope, rawRequest: { ...rawRequest, headers: unsigned } }),
        (err) => err.name === 'HaltedError',
      );
      // An event of another type sent to this trigger's hook is not taken for a payment.
      await assert.rejects(
        appTester(op.perform, { authData, cleanedRequest: { ...envelope, event: 'tenant.created' } }),
        (err) => err.name === 'HaltedError' && /tenant\.created event sent to the payment\.succeeded trigger/.test(err.message),
      );

      // Sample data for the Zap editor has the live hook's shape.
      const samples = await appTester(op.performList, { authData });
      assert.equal(samples[0].id, payment.id);
      assert.deepEqual(Object.keys(samples[0]).sort(), Object.keys(row).sort());

      const un = await appTester(op.performUnsubscribe, { authData, subscribeData: sub });
      assert.equal(un.deleted, true);
      const left = await v1('GET', '/v1/webhooks?source=rest_hook');
      assert.ok(!left.data.some((w) => w.id === sub.id), 'the subscription is gone from Porter');
      const again = await appTester(op.performUnsubscribe, { authData, subscribeData: sub });
      assert.equal(again.already_gone, true, 'turning a Zap off twice is not an error');
    });

    test("every trigger's sample data comes back in its own event's shape", async () => {
      let seen = 0;
      for (const e of catalog) {
        const rows = await appTester(App.triggers[triggerKey(e.event)].operation.performList, { authData });
        assert.ok(Array.isArray(rows), e.event);
        for (const r of rows) {
          assert.equal(r.event, e.event);
          assert.match(r.event_id, /^evt_/, e.event);
          assert.ok(r.id !== undefined && r.id !== null, `${e.event} sample has no id`);
        }
        seen += rows.length > 0;
      }
      assert.ok(seen >= 8, `only ${seen} event types had samples`);
    });

    test('samples for an event that is not pollable come from /v1/events', async () => {
      const rows = await appTester(App.triggers.charge_created.operation.performList, { authData });
      assert.ok(rows.length >= 1);
      assert.equal(rows[0].event, 'charge.created');
      assert.equal(rows[0].tenant_id, tenant.id);
      assert.match(rows[0].event_id, /^evt_/);
    });
  });
});
