'use strict';

const { api } = require('../lib/http');

// post sends an action to one of seed 000's endpoints. Fields the user left
// empty are left out, so that Porter applies its defaults (priority normal,
// channel email, …) instead of refusing a blank value.
const post = async (z, bundle, path, fields) => {
  const body = {};
  for (const key of fields) {
    const v = bundle.inputData[key];
    if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) continue;
    body[key] = typeof v === 'string' ? v.trim() : v;
  }
  const response = await z.request({ method: 'POST', url: api(bundle, path), body });
  return response.data;
};

// isoDate turns what Zapier sends for a date (often a full ISO timestamp in
// the user's zone) into the YYYY-MM-DD Porter wants, keeping the calendar
// day as written.
const isoDate = (v) => {
  const s = String(v).trim();
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(s);
  return m ? m[1] : s;
};

module.exports = { post, isoDate };
