export { fetchUrl, FetchError, FETCH_DEFAULTS } from './fetch-url.js';
export type { FetchOptions, FetchResult } from './fetch-url.js';
export { isPrivateAddress, guardedLookup } from './address-guard.js';
