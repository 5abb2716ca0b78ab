export { ENDPOINT_VARIABLE, localTestConfig, uniqueTablePrefix } from './endpoint';
