'use strict';

// Porter's Zapier app: API-key authentication, an instant (REST hook)
// trigger for every event in Porter's catalog, polling triggers for the
// events seed 000's trigger_poll.php offers, and create actions for
// tenants, work orders, charges, payments and messages, and a tenant
// search (find or create by email).

const { version } = require('./package.json');
const { version: platformVersion } = require('zapier-platform-core');
const authentication = require('./authentication');
const { addAuth, handleErrors } = require('./lib/http');
const hooks = require('./triggers/hooks');
const polling = require('./triggers/polling');
const dropdowns = require('./triggers/dropdowns');
const tenant = require('./creates/tenant');
const workOrder = require('./creates/work_order');
const charge = require('./creates/charge');
const payment = require('./creates/payment');
const message = require('./creates/message');
const findTenant = require('./searches/tenant');

module.exports = {
  version,
  platformVersion,
  authentication,
  beforeRequest: [addAuth],
  afterResponse: [handleErrors],
  triggers: { ...hooks, ...polling, ...dropdowns },
  creates: {
    [tenant.key]: tenant,
    [workOrder.key]: workOrder,
    [charge.key]: charge,
    [payment.key]: payment,
    [message.key]: message,
  },
  searches: { [findTenant.key]: findTenant },
  searchOrCreates: {
    [findTenant.key]: {
      key: findTenant.key,
      display: { label: 'Find or Create Tenant', description: 'Finds a tenant by email, or invites them when there is none.' },
      search: findTenant.key,
      create: tenant.key,
    },
  },
};
