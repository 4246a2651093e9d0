'use strict';

// Porter's event catalog as GET /api/triggers.php serves it, committed in
// catalog.json by `npm run generate` (scripts/generate-catalog.js). A test
// fails when it no longer matches the server or catalog.go.
const catalog = require('../catalog.json');

// triggerKey names an event's REST hook trigger: "work_order.created" →
// "work_order_created" (Zapier keys are letters, digits and underscores).
const triggerKey = (event) => event.replace(/[^a-zA-Z0-9]+/g, '_');

const ACRONYMS = { sla: 'SLA' };

// label is the name Zapier users pick from: "work_order.sla_breached" →
// "Work Order SLA Breached".
const label = (event) =>
  event
    .split(/[._]/)
    .map((w) => ACRONYMS[w] || w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');

// noun is the resource: "work_order.created" → "Work Order".
const noun = (event) => label(event.split('.')[0]);

// description follows Zapier's "Triggers when …" style from the catalog's
// "A payment is recorded" sentence.
const description = (entry) => {
  const d = entry.description.replace(/\.$/, '');
  return `Triggers when ${d.charAt(0).toLowerCase()}${d.slice(1)}.`;
};

// sampleValue guesses a plausible value from a field's name, so a Zap can
// be mapped before the account has any such event.
const sampleValue = (field) => {
  if (field === 'id' || field.endsWith('_id')) return 1;
  if (field.endsWith('_at')) return '2025-05-09T14:30:00Z';
  if (field.endsWith('_date') || field === 'scheduled_for') return '2025-06-01';
  if (['amount', 'balance', 'monthly_rent'].includes(field)) return 1800.0;
  if (['days_remaining', 'attempts', 'recipients', 'response_status', 'lease_alert_days'].includes(field)) return 1;
  if (field === 'enabled') return true;
  if (field === 'events') return ['payment.succeeded'];
  if (field === 'items') return [];
  if (field === 'email') return 'jane@example.com';
  if (field === 'url') return 'https://hooks.example.com/porter';
  return `sample ${field.replace(/_/g, ' ')}`;
};

const sample = (entry) => {
  const out = {};
  for (const f of entry.fields) {
    out[f] = sampleValue(f);
  }
  out.event = entry.event;
  out.event_id = 'evt_1715261400_42';
  out.fired_at = '2025-05-09T14:30:00Z';
  return out;
};

// flatten turns Porter's envelope ({event, id, fired_at, data,
// previous_attributes}) into one flat record, as trigger_poll.php returns
// them: the resource's fields with its id as "id", plus the event's name,
// id and time under names the data does not already use (a
// webhook.delivery_failed's data has its own "event" and "event_id").
const flatten = (envelope) => {
  const data = envelope && typeof envelope.data === 'object' && envelope.data !== null ? envelope.data : {};
  const out = { ...data };
  const meta = { event: envelope.event, event_id: envelope.id, fired_at: envelope.fired_at };
  for (const [k, v] of Object.entries(meta)) {
    if (!(k in out) && v !== undefined) out[k] = v;
  }
  if (envelope.previous_attributes && !('previous_attributes' in out)) {
    out.previous_attributes = envelope.previous_attributes;
  }
  if (out.id === undefined || out.id === null) {
    out.id = envelope.id; // Zapier needs an id; every catalog event has one
  }
  return out;
};

module.exports = { catalog, triggerKey, label, noun, description, sample, flatten };
