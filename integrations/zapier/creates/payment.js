'use strict';

const { post } = require('./post');

module.exports = {
  key: 'record_payment',
  noun: 'Payment',
  display: {
    label: 'Record Payment',
    description: 'Records a manual payment (cash, cheque, transfer) from a tenant, applied to a charge or to the oldest open charges first.',
  },
  operation: {
    inputFields: [
      { key: 'tenant_id', label: 'Tenant', type: 'integer', required: true, dynamic: 'tenant_list.id.label' },
      { key: 'amount', label: 'Amount', type: 'number', required: true, helpText: 'In your currency, e.g. 1800.00.' },
      { key: 'method', label: 'Method', required: false, helpText: 'A free-text label, e.g. cash, check, bank_transfer. Default: manual.' },
      { key: 'reference', label: 'Reference', required: false, helpText: 'Receipt number, cheque number, etc.' },
      { key: 'charge_id', label: 'Charge ID', type: 'integer', required: false, helpText: 'Apply to this charge; leave blank to apply to the oldest open charges first.' },
      { key: 'notes', label: 'Notes', type: 'text', required: false, helpText: 'An internal note saved with the payment.' },
    ],
    perform: async (z, bundle) =>
      (await post(z, bundle, '/api/action_record_payment.php', ['tenant_id', 'amount', 'method', 'reference', 'charge_id', 'notes'])).payment,
    sample: { id: 42, tenant_id: 7, amount: 1800.0, method: 'bank_transfer', reference: 'TXN-99812', status: 'succeeded', created_at: '2025-05-09T14:30:00Z' },
    outputFields: [
      { key: 'id', label: 'Payment ID', type: 'integer' },
      { key: 'tenant_id', label: 'Tenant ID', type: 'integer' },
      { key: 'amount', label: 'Amount', type: 'number' },
      { key: 'method', label: 'Method' },
      { key: 'reference', label: 'Reference' },
      { key: 'status', label: 'Status' },
      { key: 'created_at', label: 'Created At', type: 'datetime' },
    ],
  },
};
