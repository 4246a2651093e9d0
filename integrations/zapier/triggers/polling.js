'use strict';

// Polling triggers for the events GET /api/trigger_poll.php offers, for
// accounts or plans where instant (REST hook) triggers are not wanted.
// Zapier polls every few minutes and runs the Zap once per new event:
// deduplication is on event_id (primary), so a work order completed twice
// triggers twice while "id" stays the resource's own id for mapping.

const { catalog, triggerKey, noun, label, description, sample } = require('../lib/catalog');
const { pollEvents } = require('./recent');

// Names people search for; an event without one is "<Label> (Polling)".
const NAMES = {
  'tenant.created': { key: 'new_tenant', label: 'New Tenant' },
  'payment.succeeded': { key: 'new_payment', label: 'New Payment' },
  'work_order.created': { key: 'new_work_order', label: 'New Work Order' },
  'work_order.completed': { key: 'new_completed_work_order', label: 'New Completed Work Order' },
};

const pollingTrigger = (entry) => {
  const name = NAMES[entry.event] || { key: `poll_${triggerKey(entry.event)}`, label: `${label(entry.event)} (Polling)` };
  const fields = entry.fields.map((f) => ({ key: f }));
  return {
    key: name.key,
    noun: noun(entry.event),
    display: {
      label: name.label,
      description: `${description(entry)} Checks every few minutes; the instant "${label(entry.event)}" trigger is faster.`,
    },
    operation: {
      type: 'polling',
      perform: (z, bundle) => pollEvents(z, bundle, entry.event),
      sample: sample(entry),
      outputFields: fields
        .filter((f) => !['event', 'event_id', 'fired_at'].includes(f.key))
        .concat([
          { key: 'event', label: 'Event' },
          { key: 'event_id', label: 'Event ID', primary: true },
          { key: 'fired_at', label: 'Fired At', type: 'datetime' },
        ]),
    },
  };
};

module.exports = Object.fromEntries(
  catalog.filter((e) => e.pollable).map((entry) => {
    const t = pollingTrigger(entry);
    return [t.key, t];
  }),
);
