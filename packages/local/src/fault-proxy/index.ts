export { FaultProxy, startFaultProxy, type FaultProxyOptions, type ProxyRecord, type RateRule } from './fault-proxy';
export { modeName, seededRandom, type FaultMode, type FaultRates, type ScriptedFault } from './modes';
