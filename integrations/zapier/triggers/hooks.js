'use strict';

// One REST hook trigger per catalog event. Zapier subscribes through
// POST /api/subscribe.php when a Zap is turned on and unsubscribes through
// POST /api/unsubscribe.php when it is turned off; Porter then POSTs its
// envelope ({event, id, fired_at, data}) to Zapier the moment the event fires.

const { api, throwForPorter } = require('../lib/http');
const { catalog, triggerKey, label, noun, description, sample, flatten } = require('../lib/catalog');
const signature = require('../lib/signature');
const { recentEvents } = require('./recent');

const performSubscribe = (event) => async (z, bundle) => {
  const secret = signature.newSecret();
  const response = await z.request({
    method: 'POST',
    url: api(bundle, '/api/subscribe.php'),
    body: { event, target_url: bundle.targetUrl, secret },
  });
  // subscribeData is kept by Zapier and handed back to perform and
  // performUnsubscribe: the id to unsubscribe and the secret to verify.
  return { ...response.data.subscription, secret };
};

const performUnsubscribe = async (z, bundle) => {
  const id = bundle.subscribeData && bundle.subscribeData.id;
  if (!id) {
    throw new z.errors.Error('This Zap has no Porter subscription id to remove; it was never subscribed.', 'InvalidInput', 400);
  }
  const response = await z.request({
    method: 'POST',
    url: api(bundle, '/api/unsubscribe.php'),
    body: { id },
    skipThrowForStatus: true,
  });
  // Unsubscribing a subscription already gone (deleted in Porter, or by an
  // earlier try) is done, not an error: the Zap can be turned off.
  if (response.status === 400 && /does not exist/.test(response.content)) {
    return { id, deleted: true, already_gone: true };
  }
  throwForPorter(response, z);
  return response.data;
};

const perform = (event) => async (z, bundle) => {
  // The raw body is what Porter signed; where the runtime does not hand it
  // over there is nothing to check against, and the hook URL's own secrecy
  // is what protects it (as with any Zapier catch hook).
  const secret = bundle.subscribeData && bundle.subscribeData.secret;
  const raw = bundle.rawRequest;
  if (secret && raw && typeof raw.content === 'string' && raw.content !== '') {
    if (!signature.verify(secret, raw)) {
      throw new z.errors.HaltedError('Ignored a request whose X-PM-Signature does not match this subscription: it did not come from Porter.');
    }
  } else if (secret) {
    z.console.log('The raw hook request is not available; X-PM-Signature was not checked.');
  }
  let envelope = bundle.cleanedRequest;
  if (typeof envelope === 'string') {
    envelope = JSON.parse(envelope);
  }
  if (!envelope || typeof envelope !== 'object' || typeof envelope.data !== 'object') {
    throw new z.errors.HaltedError('Ignored a request that is not a Porter event (no event envelope).');
  }
  if (envelope.event && envelope.event !== event) {
    throw new z.errors.HaltedError(`Ignored a ${envelope.event} event sent to the ${event} trigger.`);
  }
  return [flatten(envelope)];
};

const hookTrigger = (entry) => ({
  key: triggerKey(entry.event),
  noun: noun(entry.event),
  display: {
    label: label(entry.event),
    description: `${description(entry)} Instant.`,
  },
  operation: {
    type: 'hook',
    performSubscribe: performSubscribe(entry.event),
    performUnsubscribe,
    perform: perform(entry.event),
    performList: (z, bundle) => recentEvents(z, bundle, entry),
    sample: sample(entry),
    outputFields: entry.fields.map((f) => ({ key: f })).concat([
      { key: 'event', label: 'Event' },
      { key: 'event_id', label: 'Event ID' },
      { key: 'fired_at', label: 'Fired At', type: 'datetime' },
    ]).filter((f, i, all) => all.findIndex((g) => g.key === f.key) === i),
  },
});

module.exports = Object.fromEntries(catalog.map((entry) => [triggerKey(entry.event), hookTrigger(entry)]));
