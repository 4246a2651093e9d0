'use strict';

const { post, isoDate } = require('./post');

module.exports = {
  key: 'create_charge',
  noun: 'Charge',
  display: {
    label: 'Create Charge',
    description: "Adds a charge (rent, a utility bill, a late fee, …) to a tenant's balance.",
  },
  operation: {
    inputFields: [
      { key: 'tenant_id', label: 'Tenant', type: 'integer', required: true, dynamic: 'tenant_list.id.label' },
      { key: 'amount', label: 'Amount', type: 'number', required: true, helpText: 'In your currency, e.g. 75.00.' },
      { key: 'description', label: 'Description', required: true, helpText: 'What the charge is for, e.g. "Late fee — May rent".' },
      { key: 'due_date', label: 'Due Date', type: 'datetime', required: true, helpText: 'The day it is due; only the date is kept (e.g. 2025-06-01).' },
      {
        key: 'category',
        label: 'Category',
        required: false,
        default: 'other',
        choices: { rent: 'Rent', utility: 'Utility', late_fee: 'Late fee', other: 'Other' },
        helpText: "One of your organization's charge categories.",
      },
      { key: 'lease_id', label: 'Lease ID', type: 'integer', required: false, helpText: 'Link the charge to one of the tenant\'s leases.' },
    ],
    perform: async (z, bundle) => {
      const inputData = { ...bundle.inputData };
      if (inputData.due_date) inputData.due_date = isoDate(inputData.due_date);
      return (await post(z, { ...bundle, inputData }, '/api/action_create_charge.php', ['tenant_id', 'amount', 'description', 'due_date', 'category', 'lease_id'])).charge;
    },
    sample: {
      id: 131,
      tenant_id: 7,
      amount: 75.0,
      balance: 75.0,
      description: 'Late fee — May rent',
      due_date: '2025-06-01',
      category: 'late_fee',
      status: 'open',
    },
    outputFields: [
      { key: 'id', label: 'Charge ID', type: 'integer' },
      { key: 'tenant_id', label: 'Tenant ID', type: 'integer' },
      { key: 'amount', label: 'Amount', type: 'number' },
      { key: 'balance', label: 'Balance', type: 'number' },
      { key: 'due_date', label: 'Due Date' },
      { key: 'category', label: 'Category' },
      { key: 'status', label: 'Status' },
    ],
  },
};
