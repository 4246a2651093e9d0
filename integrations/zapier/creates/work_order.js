'use strict';

const { post } = require('./post');

module.exports = {
  key: 'create_work_order',
  noun: 'Work Order',
  display: {
    label: 'Create Work Order',
    description: 'Opens a maintenance request on a property (and optionally one of its units).',
  },
  operation: {
    inputFields: [
      { key: 'title', label: 'Title', required: true, helpText: 'A short description of the issue, e.g. "Kitchen tap dripping".' },
      { key: 'description', label: 'Description', type: 'text', required: true, helpText: 'Full details of the issue.' },
      { key: 'property_id', label: 'Property', type: 'integer', required: true, dynamic: 'property_list.id.label', altersDynamicFields: true },
      { key: 'unit_id', label: 'Unit', type: 'integer', required: false, dynamic: 'unit_list.id.name', helpText: 'If the issue is in one unit.' },
      {
        key: 'priority',
        label: 'Priority',
        required: false,
        default: 'normal',
        choices: { low: 'Low', normal: 'Normal', high: 'High', emergency: 'Emergency' },
      },
      { key: 'category', label: 'Category', required: false, helpText: 'E.g. plumbing, electrical, hvac.' },
    ],
    perform: async (z, bundle) =>
      (await post(z, bundle, '/api/action_create_work_order.php', ['title', 'description', 'property_id', 'unit_id', 'priority', 'category'])).work_order,
    sample: {
      id: 88,
      title: 'Kitchen tap dripping',
      description: 'Cold tap has been dripping for 2 days.',
      property_id: 3,
      unit_id: 12,
      priority: 'high',
      category: 'plumbing',
      status: 'open',
    },
    outputFields: [
      { key: 'id', label: 'Work Order ID', type: 'integer' },
      { key: 'title', label: 'Title' },
      { key: 'status', label: 'Status' },
      { key: 'priority', label: 'Priority' },
      { key: 'property_id', label: 'Property ID', type: 'integer' },
      { key: 'unit_id', label: 'Unit ID', type: 'integer' },
    ],
  },
};
