'use strict';

const { post } = require('./post');

module.exports = {
  key: 'send_message',
  noun: 'Message',
  display: {
    label: 'Send Message',
    description: 'Sends a broadcast message or announcement by email and/or SMS to tenants, vendors or staff.',
  },
  operation: {
    inputFields: [
      { key: 'subject', label: 'Subject', required: true, helpText: 'The email subject line.' },
      { key: 'body', label: 'Body', type: 'text', required: true },
      {
        key: 'audience',
        label: 'Audience',
        required: false,
        default: 'all_tenants',
        choices: { all_tenants: 'All tenants', property_tenants: "One property's tenants", vendors: 'Vendors', staff: 'Staff' },
      },
      { key: 'channel', label: 'Channel', required: false, default: 'email', choices: { email: 'Email', sms: 'SMS', both: 'Email and SMS' } },
      {
        key: 'property_id',
        label: 'Property',
        type: 'integer',
        required: false,
        dynamic: 'property_list.id.label',
        helpText: 'Required when the audience is "One property\'s tenants"; ignored otherwise.',
      },
    ],
    perform: async (z, bundle) => {
      const out = await post(z, bundle, '/api/action_send_message.php', ['subject', 'body', 'audience', 'channel', 'property_id']);
      return { id: out.broadcast_id, broadcast_id: out.broadcast_id };
    },
    sample: { id: 17, broadcast_id: 17 },
    outputFields: [
      { key: 'id', label: 'Broadcast ID', type: 'integer' },
      { key: 'broadcast_id', label: 'Broadcast ID', type: 'integer' },
    ],
  },
};
