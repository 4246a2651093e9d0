'use strict';

// API-key authentication: the key goes as "Authorization: Bearer <key>"
// (seed 000), to the Porter server the user names, since Porter is
// self-hosted.

const { api, baseURL } = require('./lib/http');

// test checks the key with GET /api/triggers.php, which any valid key may
// call, then reads the organization's name for the connection label when
// the key may (settings:read); a narrower key is labelled by its server.
const test = async (z, bundle) => {
  const triggers = await z.request({ url: api(bundle, '/api/triggers.php') });
  const out = { base_url: baseURL(bundle), host: new URL(baseURL(bundle)).host, events: triggers.data.count };
  const org = await z.request({ url: api(bundle, '/v1/organization'), skipThrowForStatus: true });
  if (org.status === 200 && org.data && org.data.data) {
    out.organization_id = org.data.data.id;
    out.organization_name = org.data.data.name;
  }
  return out;
};

module.exports = {
  type: 'custom',
  fields: [
    {
      key: 'base_url',
      label: 'Porter URL',
      type: 'string',
      required: true,
      helpText: 'The address of your Porter server, e.g. `https://porter.example.com`. Zapier must be able to reach it from the internet.',
    },
    {
      key: 'api_key',
      label: 'API Key',
      type: 'password',
      required: true,
      helpText: 'An API key from your Porter server (`porter key create --org ID --name Zapier`); it starts with `pm_`. Its scopes limit what the Zaps may do.',
    },
  ],
  test,
  connectionLabel: (z, bundle) => {
    const d = bundle.inputData || {};
    return d.organization_name ? `${d.organization_name} (${d.host})` : d.host;
  },
};
