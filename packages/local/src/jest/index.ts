export { ENDPOINT_VARIABLE, localTestConfig, TABLE_PREFIXES_KEY, uniqueTablePrefix } from './endpoint';
