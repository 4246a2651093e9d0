'use strict';

// Hidden triggers that fill the actions' dropdowns (property, unit,
// tenant) from Porter's v1 lists, a page of 100 at a time.

const { api } = require('../lib/http');

const PER_PAGE = 100;

const list = async (z, bundle, path, params = {}) => {
  const page = ((bundle.meta && bundle.meta.page) || 0) + 1;
  const response = await z.request({ url: api(bundle, path), params: { ...params, page, per_page: PER_PAGE } });
  return response.data.data || [];
};

const dropdown = (key, noun, perform) => ({
  key,
  noun,
  display: { label: `List ${noun}s`, description: `Lists ${noun.toLowerCase()}s for dropdowns.`, hidden: true },
  operation: { type: 'polling', canPaginate: true, perform },
});

const properties = dropdown('property_list', 'Property', async (z, bundle) =>
  (await list(z, bundle, '/v1/properties', { status: 'active' })).map((p) => ({ id: p.id, name: p.name, label: p.address ? `${p.name} (${p.address})` : p.name })),
);

const units = dropdown('unit_list', 'Unit', async (z, bundle) => {
  const params = {};
  if (bundle.inputData && bundle.inputData.property_id) params.property_id = bundle.inputData.property_id;
  return (await list(z, bundle, '/v1/units', params)).map((u) => ({ id: u.id, name: u.name, property_id: u.property_id }));
});

const tenants = dropdown('tenant_list', 'Tenant', async (z, bundle) =>
  (await list(z, bundle, '/v1/tenants')).map((t) => ({
    id: t.id,
    email: t.email,
    name: `${t.first_name || ''} ${t.last_name || ''}`.trim(),
    label: `${`${t.first_name || ''} ${t.last_name || ''}`.trim()} <${t.email}>`,
  })),
);

module.exports = { [properties.key]: properties, [units.key]: units, [tenants.key]: tenants };
