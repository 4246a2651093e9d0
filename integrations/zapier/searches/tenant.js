'use strict';

// Find Tenant looks a tenant up by email, so a Zap that starts elsewhere
// (a payment in another app, a form) can reach the tenant_id the actions
// need; with "create if not found" it invites the tenant instead.

const { api } = require('../lib/http');
const tenant = require('../creates/tenant');

module.exports = {
  key: 'find_tenant',
  noun: 'Tenant',
  display: { label: 'Find Tenant', description: 'Finds a tenant by email address.' },
  operation: {
    inputFields: [{ key: 'email', label: 'Email', required: true }],
    perform: async (z, bundle) => {
      const email = String(bundle.inputData.email || '').trim();
      const response = await z.request({ url: api(bundle, '/v1/tenants'), params: { email, per_page: 1 } });
      return response.data.data || [];
    },
    sample: tenant.operation.sample,
    outputFields: tenant.operation.outputFields,
  },
};
