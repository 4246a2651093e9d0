'use strict';

// Recent events of one type, flat as triggers return them: the sample data
// a Zap is built from, and what the polling triggers return.

const { api, throwForPorter } = require('../lib/http');
const { flatten } = require('../lib/catalog');

// pollEvents reads GET /api/trigger_poll.php (seed 000's polling trigger):
// the last 24 hours of a pollable event, newest first, each the resource's
// fields plus event_id and fired_at.
const pollEvents = async (z, bundle, event) => {
  const response = await z.request({ url: api(bundle, '/api/trigger_poll.php'), params: { event } });
  return (response.data.results || []).map((r) => ({ event, ...r }));
};

// recentEvents serves performList. Pollable events come from
// trigger_poll.php; the others from GET /v1/events, newest first. A key
// without the events:read scope gets no samples rather than an error, and
// Zapier falls back on the trigger's sample.
const recentEvents = async (z, bundle, entry) => {
  if (entry.pollable) {
    const results = await pollEvents(z, bundle, entry.event);
    if (results.length > 0) return results.slice(0, 10);
  }
  const response = await z.request({
    url: api(bundle, '/v1/events'),
    params: { type: entry.event, per_page: 10 },
    skipThrowForStatus: true,
  });
  if (response.status === 403) return [];
  throwForPorter(response, z);
  return (response.data.data || []).map(flatten);
};

module.exports = { pollEvents, recentEvents };
