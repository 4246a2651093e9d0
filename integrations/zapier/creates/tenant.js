'use strict';

const { post } = require('./post');

module.exports = {
  key: 'create_tenant',
  noun: 'Tenant',
  display: {
    label: 'Create Tenant',
    description: 'Invites a new tenant: Porter creates the tenant and emails them a link to activate their portal.',
  },
  operation: {
    inputFields: [
      { key: 'email', label: 'Email', required: true, helpText: "The tenant's email address; the invitation goes there." },
      { key: 'first_name', label: 'First Name', required: true },
      { key: 'last_name', label: 'Last Name', required: true },
      { key: 'phone', label: 'Phone', required: false, helpText: 'E.g. +1555000000.' },
    ],
    perform: async (z, bundle) => (await post(z, bundle, '/api/action_create_tenant.php', ['email', 'first_name', 'last_name', 'phone'])).tenant,
    sample: {
      id: 24,
      email: 'jane@example.com',
      first_name: 'Jane',
      last_name: 'Smith',
      phone: '+1555000000',
      role: 'tenant',
      status: 'invited',
      accept_url: 'https://porter.example.com/accept-invite.php?token=…',
    },
    outputFields: [
      { key: 'id', label: 'Tenant ID', type: 'integer' },
      { key: 'email', label: 'Email' },
      { key: 'first_name', label: 'First Name' },
      { key: 'last_name', label: 'Last Name' },
      { key: 'status', label: 'Status' },
      { key: 'accept_url', label: 'Invitation URL' },
    ],
  },
};
