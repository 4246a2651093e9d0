'use strict';

// Requests to a Porter server. Porter is self-hosted, so every URL starts
// from the base URL the user gave when connecting.

// baseURL normalizes the connection's base URL: a scheme is added when the
// user typed a bare host (https, as a public Porter must be reachable by
// Zapier), and a trailing slash or a pasted /api or /v1 suffix is dropped.
const baseURL = (bundle) => {
  let url = String((bundle.authData && bundle.authData.base_url) || '').trim();
  if (url === '') {
    throw new Error('The Porter URL is missing: reconnect your Porter account and enter the address of your Porter server, e.g. https://porter.example.com');
  }
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    url = 'https://' + url;
  }
  let parsed;
  try {
    parsed = new URL(url);
  } catch (e) {
    throw new Error(`The Porter URL "${url}" is not a valid address; enter it like https://porter.example.com`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new Error(`The Porter URL must start with https:// (or http://), not ${parsed.protocol}//`);
  }
  return url.replace(/\/+$/, '').replace(/\/(api|v1)$/i, '');
};

const api = (bundle, path) => baseURL(bundle) + path;

// addAuth sends the API key as a Bearer token on every request, as seed 000
// documents; Porter answers in JSON.
const addAuth = (request, z, bundle) => {
  request.headers = request.headers || {};
  if (bundle.authData && bundle.authData.api_key) {
    request.headers.Authorization = `Bearer ${String(bundle.authData.api_key).trim()}`;
  }
  request.headers.Accept = request.headers.Accept || 'application/json';
  return request;
};

// errorMessage reads Porter's two error shapes: seed 000's {"error"} (or
// {"error": code, "message"}) and v1's problem+json {"title", "detail",
// "errors": [{field, message}]}.
const errorMessage = (response) => {
  let body = response.data;
  if (body === undefined || body === null || typeof body !== 'object') {
    try {
      body = JSON.parse(response.content);
    } catch (e) {
      body = null;
    }
  }
  if (!body || typeof body !== 'object') {
    const text = String(response.content || '').trim().slice(0, 200);
    return text || `HTTP ${response.status}`;
  }
  if (typeof body.detail === 'string' && body.detail) {
    return body.detail;
  }
  if (typeof body.message === 'string' && body.message) {
    return body.message;
  }
  if (typeof body.error === 'string' && body.error) {
    return body.error;
  }
  return `HTTP ${response.status}`;
};

// handleErrors turns Porter's 4xx and 5xx answers into errors that say what
// Porter said, so a Zap's history shows "email is required" rather than a
// bare status code.
const handleErrors = (response, z) => {
  if (response.request && response.request.skipThrowForStatus) {
    return response; // the caller reads the status itself
  }
  return throwForPorter(response, z);
};

// throwForPorter throws the error a failed response stands for.
const throwForPorter = (response, z) => {
  if (response.status < 400) {
    return response;
  }
  const msg = errorMessage(response);
  if (response.status === 401) {
    throw new z.errors.Error(`Porter rejected the API key (${msg}). Check the key, or make a new one, and reconnect.`, 'AuthenticationError', 401);
  }
  if (response.status === 403) {
    throw new z.errors.Error(`The API key is not allowed to do this: ${msg}. Give the key the scope it names, or use a key with more access.`, 'Forbidden', 403);
  }
  if (response.status === 429) {
    const retryAfter = parseInt(response.getHeader('retry-after'), 10);
    throw new z.errors.ThrottledError(`Porter's rate limit was reached: ${msg}`, Number.isFinite(retryAfter) ? retryAfter : 60);
  }
  throw new z.errors.Error(`Porter answered ${response.status}: ${msg}`, response.status >= 500 ? 'ServerError' : 'InvalidInput', response.status);
};

module.exports = { baseURL, api, addAuth, handleErrors, throwForPorter, errorMessage };
